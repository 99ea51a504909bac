/* md5.h - MD5 (RFC 1321), for the distribution handshake's digest.
 *
 * The handshake's only cryptography is MD5(cookie ++ challenge text),
 * which authenticates nothing beyond the shared cookie (erl_dist_protocol
 * says as much). Linking libcrypto for it cost every run its start-up
 * constructor (CPUID probing, which traps to the hypervisor on a VM)
 * and a larger binary to fault in; this is the whole algorithm.
 */
#ifndef DIST_MD5_H
#define DIST_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
	uint32_t state[4];
	uint64_t bytes;          /* message length so far */
	uint8_t block[64];       /* a partial block */
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *data, size_t len);
/* The 16-byte digest; m is wiped (it held the cookie). */
void md5_final(struct md5 *m, uint8_t out[16]);

#endif
