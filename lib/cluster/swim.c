/* swim.c - suspicion rounds (see swim.h). */
#include "cluster/swim.h"

#include <math.h>

const char *swim_event_name(enum swim_event ev)
{
	switch (ev) {
	case SWIM_EV_UP:
		return "up";
	case SWIM_EV_SUSPECT:
		return "suspect";
	case SWIM_EV_DOWN:
		return "down";
	default:
		return "none";
	}
}

int64_t swim_suspicion_timeout_ms(unsigned mult, size_t members,
				  int64_t interval_ms)
{
	double scale = members > 1 ? log10((double)members) : 0.0;

	if (scale < 1.0)
		scale = 1.0;
	return (int64_t)((double)mult * scale * (double)interval_ms);
}

enum swim_event swim_observe(struct swim_state *s, enum swim_outcome o,
			     int64_t now_ms, int64_t timeout_ms)
{
	bool was_known = s->known;

	s->known = true;
	if (o == SWIM_ACK) {
		if (was_known && s->status == MEMBER_ALIVE)
			return SWIM_EV_NONE;
		s->status = MEMBER_ALIVE;
		return SWIM_EV_UP;
	}
	if (!was_known || s->status == MEMBER_ALIVE ||
	    (s->status == MEMBER_DEAD && o == SWIM_INDIRECT_ACK)) {
		s->status = MEMBER_SUSPECT;
		s->suspect_since_ms = now_ms;
		return SWIM_EV_SUSPECT;
	}
	if (s->status == MEMBER_DEAD)
		return SWIM_EV_NONE;
	if (o == SWIM_INDIRECT_ACK) {
		s->suspect_since_ms = now_ms;
		return SWIM_EV_NONE;
	}
	if (now_ms - s->suspect_since_ms < timeout_ms)
		return SWIM_EV_NONE;
	s->status = MEMBER_DEAD;
	return SWIM_EV_DOWN;
}

enum member_status swim_status_once(enum swim_outcome o)
{
	switch (o) {
	case SWIM_ACK:
		return MEMBER_ALIVE;
	case SWIM_INDIRECT_ACK:
		return MEMBER_SUSPECT;
	default:
		return MEMBER_DEAD;
	}
}
