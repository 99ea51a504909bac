/* test_base.c - the base helpers: UTF-8, base64, the bounded file
 * reader, the atomic file write and its lock, randomness. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "base/base64.h"
#include "base/file.h"
#include "base/grow.h"
#include "base/json_exact.h"
#include "base/latency.h"
#include "base/md5.h"
#include "base/random.h"
#include "base/utf8.h"
#include "tap.h"

static bool utf8_round_trips(uint32_t cp)
{
	uint8_t b[4];
	uint32_t back = 0;
	size_t n = utf8_put(cp, b);

	return n > 0 && utf8_next(b, n, &back) == n && back == cp;
}

static void test_utf8(void)
{
	static const uint32_t cps[] = { 0, 0x41, 0x7f, 0x80, 0xe9, 0x7ff,
		0x800, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff };
	bool all = true;
	uint32_t cp;

	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++)
		all = all && utf8_round_trips(cps[i]);
	ok(all, "utf8: code points from U+0000 to U+10FFFF round-trip");
	ok(utf8_put(0xd800, (uint8_t[4]){ 0 }) == 0 &&
	   utf8_put(0x110000, (uint8_t[4]){ 0 }) == 0,
	   "utf8: surrogates and values past U+10FFFF are not encoded");
	ok(utf8_next((const uint8_t *)"\xc0\xaf", 2, &cp) == 0,
	   "utf8: an overlong form is refused");
	ok(utf8_next((const uint8_t *)"\xed\xa0\x80", 3, &cp) == 0,
	   "utf8: an encoded surrogate is refused");
	ok(utf8_next((const uint8_t *)"\xe2\x82", 2, &cp) == 0,
	   "utf8: a cut sequence is refused");
	ok(utf8_count((const uint8_t *)"caf\xc3\xa9", 5) == 4,
	   "utf8: café is 4 code points");
	ok(!utf8_valid((const uint8_t *)"caf\xe9", 4),
	   "utf8: Latin-1 é is not UTF-8");
}

static void test_base64(void)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob",
				       "fooba", "foobar" };
	static const char *coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
				       "Zm9vYmE=", "Zm9vYmFy" };
	bool all = true;

	/* RFC 4648 section 10's vectors, both ways. */
	for (size_t i = 0; i < 7; i++) {
		char *e = base64_encode((const uint8_t *)plain[i],
					strlen(plain[i]));
		uint8_t *d = NULL;
		size_t n = 0;

		all = all && e && !strcmp(e, coded[i]) &&
		      base64_decode(coded[i], strlen(coded[i]), &d, &n) == 0 &&
		      n == strlen(plain[i]) && !memcmp(d, plain[i], n);
		free(e);
		free(d);
	}
	ok(all, "base64: the RFC 4648 test vectors, both ways");
	{
		uint8_t *d = (uint8_t *)"x";
		size_t n = 7;

		ok(base64_decode("Zm9v!", 5, &d, &n) < 0 && !d && n == 0,
		   "base64: a character outside the alphabet is refused");
		ok(base64_decode("Zm9vY", 5, &d, &n) < 0 && n == 0,
		   "base64: a length that cannot hold whole bytes is refused");
	}
}

static char dir[] = "/tmp/dist-test-base.XXXXXX";

static void put(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

static void test_file_read(void)
{
	struct file_text t;
	struct dist_error err;
	char path[256];

	put("small", "hello\n", 0600);
	snprintf(path, sizeof path, "%s/small", dir);
	ok(file_read(path, "test file", 100, FILE_SECRET | FILE_REGULAR, &t,
		     &err) == 0 && t.len == 6 && !strcmp(t.data, "hello\n") &&
	   (t.st.st_mode & 0777) == 0600,
	   "file: a small file is read whole, with its mode");
	file_text_free(&t);
	file_text_free(&t);
	ok(file_read(path, "test file", 5, 0, &t, &err) < 0 &&
	   errno == EFBIG && err.code == DIST_E_TOO_LARGE &&
	   strstr(err.message, "larger than 5 bytes") && !t.data,
	   "file: a file over the limit is refused (%s)", err.message);
	ok(file_read(path, "test file", 6, 0, &t, &err) == 0 && t.len == 6,
	   "file: a file of exactly the limit is read");
	file_text_free(&t);
	snprintf(path, sizeof path, "%s/none", dir);
	ok(file_read(path, "cookie file", 100, 0, &t, &err) < 0 &&
	   errno == ENOENT && err.code == DIST_E_IO &&
	   strstr(err.message, "cannot read cookie file") &&
	   strstr(err.message, path),
	   "file: a missing file says which and what (%s)", err.message);
	snprintf(path, sizeof path, "%s/fifo", dir);
	ok(mkfifo(path, 0600) == 0 &&
	   file_read(path, "test file", 100, FILE_REGULAR, &t, &err) < 0 &&
	   strstr(err.message, "not a regular file"),
	   "file: a FIFO at the path neither hangs nor is read");
	{
		int p[2];

		ok(pipe(p) == 0 && write(p[1], "abc", 3) == 3 &&
		   close(p[1]) == 0 &&
		   fd_read_all(p[0], "stdin", 10, 0, &t, &err) == 0 &&
		   t.len == 3 && !strcmp(t.data, "abc"),
		   "file: a pipe is read to its end");
		close(p[0]);
		file_text_free(&t);
	}
}

static void test_atomic_file(void)
{
	struct file_text t;
	struct dist_error err;
	char path[256];
	int lock;

	snprintf(path, sizeof path, "%s/state", dir);
	ok(atomic_file_write(path, "one\n", 4, 0600, &err) == 0 &&
	   atomic_file_write(path, "two\n", 4, 0644, &err) == 0 &&
	   file_read(path, "state", 100, 0, &t, &err) == 0 &&
	   !strcmp(t.data, "two\n") && (t.st.st_mode & 0777) == 0644,
	   "atomic_file: the last write wins, with its mode");
	file_text_free(&t);
	snprintf(path, sizeof path, "%s/no/such/dir/state", dir);
	errno = 0;
	ok(atomic_file_write(path, "x", 1, 0600, &err) < 0 &&
	   err.code == DIST_E_IO && strstr(err.message, path) &&
	   errno == ENOENT,
	   "atomic_file: a write that cannot happen names the path (%s)",
	   err.message);
	snprintf(path, sizeof path, "%s/state", dir);
	lock = atomic_file_lock(path, &err);
	ok(lock >= 0, "atomic_file: the lock is taken");
	{
		char lp[300];
		int other;

		snprintf(lp, sizeof lp, "%s.lock", path);
		other = open(lp, O_RDWR);
		ok(other >= 0 && flock(other, LOCK_EX | LOCK_NB) < 0 &&
		   errno == EWOULDBLOCK,
		   "atomic_file: a second holder is kept out while it is held");
		atomic_file_unlock(lock);
		ok(flock(other, LOCK_EX | LOCK_NB) == 0,
		   "atomic_file: and let in once it is released");
		close(other);
	}
}

static void test_random(void)
{
	uint32_t a = random_u32_nonzero(), b = random_u32_nonzero();
	uint8_t buf[64] = { 0 };
	int zero = 0;

	ok(a != 0 && b != 0 && a != b, "random: values differ, never 0");
	random_bytes(buf, sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		zero += buf[i] == 0;
	ok(zero < 16, "random: 64 bytes are filled");
}

/* Percentiles are within the buckets' 2% of the true value, clamped to
 * what was seen, from 0.01 ms to minutes. */
static void test_latency(void)
{
	static struct latency l;
	bool close_enough = true;

	ok(latency_percentile(&l, 50) == 0, "latency: empty is 0");
	for (int i = 1; i <= 1000; i++)
		latency_add(&l, i * 0.1);   /* 0.1 .. 100 ms */
	for (int p = 1; p <= 100; p++) {
		double want = p * 10 * 0.1, got = latency_percentile(&l, p);

		close_enough = close_enough && got >= want * 0.98 &&
			       got <= want * 1.02;
	}
	ok(close_enough, "latency: p1..p100 of 0.1..100 ms within 2%%");
	ok(latency_percentile(&l, 100) == 100.0 &&
	   latency_percentile(&l, 0.01) >= 0.1 &&
	   latency_percentile(&l, 0.01) <= 0.102,
	   "latency: the ends are clamped to the min and max seen");
	latency_add(&l, 0.001);
	latency_add(&l, 1e9);   /* past the last edge, about 8 hours */
	ok(l.buckets[0] == 1 && l.buckets[LATENCY_BUCKETS - 1] == 1,
	   "latency: below 0.01 ms and past the last edge go to the end "
	   "buckets");
}

static void md5_hex(const void *data, size_t len, size_t split, char hex[33])
{
	struct md5 m;
	uint8_t d[16];

	md5_init(&m);
	md5_update(&m, data, split);
	md5_update(&m, (const char *)data + split, len - split);
	md5_final(&m, d);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* RFC 1321 appendix A.5, whole and fed in two pieces at every split
 * (block boundaries, the padding's 55/56/64-byte edges). */
static void test_md5(void)
{
	static const struct { const char *in, *hex; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		  "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678"
		  "9012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	bool all = true;
	char hex[33];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t len = strlen(v[i].in);

		for (size_t split = 0; split <= len; split++) {
			md5_hex(v[i].in, len, split, hex);
			all = all && strcmp(hex, v[i].hex) == 0;
		}
	}
	ok(all, "md5: the RFC 1321 test suite, fed whole and in two pieces");
	/* 55, 56, 63, 64 and 65 bytes: the padding takes one block or two. */
	{
		static const char *want[] = {
			"ef1772b6dff9a122358552954ad0df65",
			"3b0c8ac703f828b04c6c197006d17218",
			"b06521f39153d618550606be297466d5",
			"014842d480b571495a4a0363793f7367",
			"c743a45e0d2e6a95cb859adae0248435",
		};
		static const size_t lens[] = { 55, 56, 63, 64, 65 };
		char a[65];

		memset(a, 'a', sizeof a);
		all = true;
		for (size_t i = 0; i < 5; i++) {
			md5_hex(a, lens[i], lens[i] / 2, hex);
			all = all && strcmp(hex, want[i]) == 0;
		}
		ok(all, "md5: 55 to 65 bytes, where padding needs a second block");
	}
}

/* Every *_ms field prints to the microsecond: a mean of three round
 * trips must not print 15 digits. */
static void test_json_ms(void)
{
	json_t *j = json_ms((0.1 + 0.2 + 0.4) / 3);
	char *text = j ? json_exact_dumps(j, 0) : NULL;

	ok(text && !strcmp(text, "0.233"), "json_ms: a mean prints 3 decimals (%s)",
	   text ? text : "null");
	free(text);
	json_decref(j);
	ok(ms_round3(29.8945) == 29.895 && ms_round3(-1) == 0 &&
		   ms_round3(0.0004) == 0,
	   "ms_round3: to the microsecond, never negative");
}

static void test_grow(void)
{
	int *v = NULL, *w;
	size_t cap = 0, n;
	bool all = true;

	for (n = 0; n < 100; n++) {
		w = grow_array(v, &cap, n, sizeof *v, 4);
		if (!w) {
			all = false;
			break;
		}
		v = w;
		v[n] = (int)n;
		all = all && cap >= n + 1 && (cap == 4 || cap % 8 == 0);
	}
	for (n = 0; all && n < 100; n++)
		all = v[n] == (int)n;
	ok(all && cap == 128, "grow_array: from 4, doubling, contents kept");
	cap = SIZE_MAX / 2 + 1;
	ok(grow_array(v, &cap, cap, sizeof *v, 4) == NULL &&
	   cap == SIZE_MAX / 2 + 1,
	   "grow_array: a size that would overflow is refused, cap untouched");
	free(v);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_utf8();
	test_base64();
	test_file_read();
	test_atomic_file();
	test_random();
	test_latency();
	test_md5();
	test_grow();
	test_json_ms();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			perror("rm");
	}
	return tap_done();
}
