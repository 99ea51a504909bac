/* replay.c - run a fuzz target without libFuzzer (gcc, make check).
 *
 *   build/san/fuzz/TARGET CORPUS_DIR [N]
 *
 * Runs LLVMFuzzerTestOneInput on every file of CORPUS_DIR (so every
 * input that once crashed stays pinned), then on N inputs (default 2000)
 * made by mutating those files with a fixed-seed PRNG: the same inputs
 * every run, so a failure here is reproducible, and under ASan+UBSan a
 * cheap smoke test of the paths libFuzzer explores at length. Prints
 * TAP; a crash or a broken invariant aborts, which the runner counts as
 * a failure. FUZZ_SEED in the environment picks another sequence;
 * FUZZ_DUMP=FILE writes each input to FILE before running it, so after a
 * crash FILE holds the input that caused it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs never grow past this: the parsers' own limits are tested by
 * libFuzzer and the unit tests; here we want many small inputs. */
#define REPLAY_MAX_INPUT (64 * 1024)
#define REPLAY_MAX_FILES 256

struct input {
	uint8_t *data;
	size_t len;
};

static uint64_t rng_state;

/* xorshift64*: enough for picking mutations, and fully determined by
 * the seed. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static int read_file(const char *path, struct input *in)
{
	FILE *f = fopen(path, "rb");
	uint8_t chunk[4096];
	size_t n;

	if (!f)
		return -1;
	in->data = NULL;
	in->len = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		uint8_t *p;

		if (in->len + n > REPLAY_MAX_INPUT)
			n = REPLAY_MAX_INPUT - in->len;
		p = realloc(in->data, in->len + n + 1);
		if (!p) {
			fclose(f);
			return -1;
		}
		in->data = p;
		memcpy(in->data + in->len, chunk, n);
		in->len += n;
		if (in->len >= REPLAY_MAX_INPUT)
			break;
	}
	fclose(f);
	if (!in->data)
		in->data = malloc(1);
	return in->data ? 0 : -1;
}

static const char *dump_path;

/* Run the target on an exact-size copy of p, so ASan sees any read past
 * the input. */
static int run_one(const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return -1;
	memcpy(copy, p, len);
	if (dump_path) {
		FILE *f = fopen(dump_path, "wb");

		if (f) {
			fwrite(copy, 1, len, f);
			fclose(f);
		}
	}
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The corpus in name order: readdir order differs between file
 * systems, and the mutations must not. */
static size_t load_corpus(const char *dir, struct input *files)
{
	char *names[REPLAY_MAX_FILES], path[4096];
	struct dirent *e;
	struct stat st;
	size_t n = 0, loaded = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "cannot open corpus %s: %s\n", dir,
			strerror(errno));
		return 0;
	}
	while ((e = readdir(d)) != NULL && n < REPLAY_MAX_FILES) {
		if (e->d_name[0] == '.')
			continue;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    read_file(path, &files[loaded]) == 0)
			loaded++;
		free(names[i]);
	}
	return loaded;
}

/* One random edit of buf[0 .. *len), which has room for REPLAY_MAX_INPUT. */
static void mutate_once(uint8_t *buf, size_t *len, const struct input *files,
			size_t nfiles)
{
	static const uint8_t special[] = { 0, 1, 0x7f, 0x80, 0xff, '\n', '"',
					   '\'', '\\', '{', '[', '<', '.', 131 };
	size_t n = *len, at = below(n + 1), k;

	switch (rnd() % 9) {
	case 0:    /* flip one bit */
		if (n)
			buf[below(n)] ^= (uint8_t)(1u << below(8));
		break;
	case 1:    /* overwrite a byte */
		if (n)
			buf[below(n)] = (uint8_t)rnd();
		break;
	case 2:    /* a byte parsers care about */
		if (n)
			buf[below(n)] = special[below(sizeof special)];
		break;
	case 3:    /* insert a few random bytes */
		k = 1 + below(8);
		if (n + k > REPLAY_MAX_INPUT)
			break;
		memmove(buf + at + k, buf + at, n - at);
		for (size_t i = 0; i < k; i++)
			buf[at + i] = (uint8_t)rnd();
		*len = n + k;
		break;
	case 4:    /* delete a range */
		if (at >= n)
			break;
		k = 1 + below(n - at < 16 ? n - at : 16);
		memmove(buf + at, buf + at + k, n - at - k);
		*len = n - k;
		break;
	case 5:    /* truncate */
		*len = at;
		break;
	case 6: {  /* splice: our prefix, another file's suffix */
		const struct input *o = &files[below(nfiles)];
		size_t from = below(o->len + 1);

		k = o->len - from;
		if (at + k > REPLAY_MAX_INPUT)
			k = REPLAY_MAX_INPUT - at;
		memcpy(buf + at, o->data + from, k);
		*len = at + k;
		break;
	}
	case 7:    /* duplicate a chunk (lengths and nesting grow) */
		if (at >= n)
			break;
		k = 1 + below(n - at < 32 ? n - at : 32);
		if (n + k > REPLAY_MAX_INPUT)
			break;
		memmove(buf + at + k, buf + at, n - at);
		*len = n + k;
		break;
	default:   /* a big-endian length or count field set to an edge */
		if (n >= 4) {
			static const uint32_t edges[] = {
				0, 1, 0xff, 0x100, 0xffff, 0x10000,
				0x7fffffff, 0x80000000, 0xffffffff };
			uint32_t v = edges[below(9)];

			at = below(n - 3);
			buf[at] = (uint8_t)(v >> 24);
			buf[at + 1] = (uint8_t)(v >> 16);
			buf[at + 2] = (uint8_t)(v >> 8);
			buf[at + 3] = (uint8_t)v;
		}
		break;
	}
}

static const char *target_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	return slash ? slash + 1 : argv0;
}

int main(int argc, char **argv)
{
	static struct input files[REPLAY_MAX_FILES];
	const char *seed = getenv("FUZZ_SEED");
	size_t nfiles, runs, mutations = 2000;
	uint8_t *buf;
	size_t len;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		mutations = strtoul(argv[2], NULL, 10);
	dump_path = getenv("FUZZ_DUMP");
	rng_state = seed ? strtoull(seed, NULL, 0) : 0x9E3779B97F4A7C15ULL;
	if (rng_state == 0)
		rng_state = 1;    /* xorshift's one fixed point */
	buf = malloc(REPLAY_MAX_INPUT);
	if (!buf)
		return 2;
	printf("1..1\n");
	nfiles = load_corpus(argv[1], files);
	for (size_t i = 0; i < nfiles; i++)
		if (run_one(files[i].data, files[i].len) < 0)
			return 2;
	runs = nfiles;
	if (nfiles == 0) {
		/* Nothing to mutate from: start from the empty input. */
		files[0].data = malloc(1);
		files[0].len = 0;
		if (!files[0].data)
			return 2;
		nfiles = 1;
	}
	for (size_t m = 0; m < mutations; m++) {
		const struct input *base = &files[below(nfiles)];
		size_t edits = 1 + below(4);

		memcpy(buf, base->data, base->len);
		len = base->len;
		for (size_t e = 0; e < edits; e++)
			mutate_once(buf, &len, files, nfiles);
		if (run_one(buf, len) < 0)
			return 2;
		runs++;
	}
	printf("ok 1 - fuzz %s: %zu inputs (%zu corpus files, %zu "
	       "mutations)\n", target_name(argv[0]), runs, runs - mutations,
	       mutations);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].data);
	free(buf);
	return 0;
}
