/* namepool_lock.h - pool names held between runs of this user on this
 * host: a file per node in the runtime directory, one byte per pool
 * index, locked with an open-file-description lock (see namepool.h for
 * why names must be shared out at all).
 */
#ifndef DIST_NAMEPOOL_LOCK_H
#define DIST_NAMEPOOL_LOCK_H

/* The runtime directory ($XDG_RUNTIME_DIR/dist, else /tmp/dist-UID),
 * made if missing, as an open directory, or -1 when there is none we
 * can trust (not ours, or open to others): runs then share names out
 * only through the node's answers. */
int namepool_lock_dir_open(void);

/* Lock pool index `index` of node `key`. 1: locked, *fd holds the lock
 * until closed; 0: another connection holds it; -1: locking does not
 * work here (*fd -1), which callers treat as free. */
int namepool_lock_try(int dir, const char *key, unsigned index, int *fd);

#endif
