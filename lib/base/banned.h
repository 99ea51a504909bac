/* banned.h - libc calls this project does not use, as compile errors.
 *
 * Each has a bounded or clearer replacement: snprintf for sprintf and
 * strcpy/strcat; memcpy with a known length for strncpy/strncat; a
 * bounded parser (base/duration.h count_parse, strtol with end checks)
 * for atoi, which cannot report an error; strtok_r-free splitting
 * (strcspn) for strtok, which keeps hidden state; the _r forms for the
 * time functions, which share a static buffer.
 *
 * The build includes this file first in every translation unit
 * (-include). It includes the system headers that declare these names
 * before poisoning them, so a later #include of those headers (guarded)
 * does not trip the poison.
 */
#ifndef DIST_BASE_BANNED_H
#define DIST_BASE_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#pragma GCC poison strcpy strcat strncpy strncat sprintf vsprintf gets
#pragma GCC poison strtok atoi atol atoll
#pragma GCC poison gmtime localtime ctime asctime

#endif
