/* members_view.c - a member's view: the question and its answer (see
 * members_view.h). */
#include "cluster/members_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term/term_json.h"

/* One tuple, so that one answer decodes in one place. Uptime is
 * wall_clock's total: milliseconds since the node started. */
#define VIEW_CORE                                                      \
	"{node(), nodes(visible), nodes(hidden),"                      \
	" erlang:system_info(otp_release),"                            \
	" element(1, erlang:statistics(wall_clock)),"                  \
	" erlang:system_info(process_count), erlang:memory(total)"

/* pg's default scope runs only when the kernel was told to start it
 * (start_pg): ask whereis first, so a node without it answers [] rather
 * than raising. Only pids are kept of global's names: what is
 * registered is a process. */
#define VIEW_GROUPS                                                    \
	", case whereis(pg) of undefined -> [];"                       \
	" _ -> [{G, [{P, node(P)} || P <- pg:get_members(G)]}"         \
	" || G <- pg:which_groups()] end,"                             \
	" [{N, P, node(P)} || N <- global:registered_names(),"         \
	" P <- [global:whereis_name(N)], is_pid(P)]"

const char *members_view_expr(bool groups)
{
	return groups ? VIEW_CORE VIEW_GROUPS "}." : VIEW_CORE "}.";
}

static int bad_view(struct dist_error *err, const char *what)
{
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
			      "the view answer is not what was asked: %s",
			      what);
}

static char *atom_text(const struct etf_term *t)
{
	char *s;

	if (!t || t->type != ETF_ATOM)
		return NULL;
	s = malloc(t->v.atom.len + 1);
	if (s) {
		memcpy(s, t->v.atom.name, t->v.atom.len);
		s[t->v.atom.len] = '\0';
	}
	return s;
}

static int atom_list(const struct etf_term *t, char ***out, size_t *n,
		     struct dist_error *err)
{
	*out = NULL;
	*n = 0;
	if (t->type == ETF_NIL)
		return 0;
	if (t->type != ETF_LIST || t->v.list.tail->type != ETF_NIL)
		return bad_view(err, "a list of nodes expected");
	if (t->v.list.len > MEMBERS_VIEW_NODES_MAX)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_REQUEST,
				      "a view lists %u nodes, more than %d",
				      t->v.list.len, MEMBERS_VIEW_NODES_MAX);
	*out = calloc(t->v.list.len, sizeof **out);
	if (!*out)
		return dist_error_nomem(err, DIST_STAGE_REQUEST, "a view");
	for (uint32_t i = 0; i < t->v.list.len; i++) {
		(*out)[i] = atom_text(t->v.list.elems[i]);
		if (!(*out)[i])
			return bad_view(err, "a node that is not an atom");
		*n = i + 1;
	}
	return 0;
}

static int release_text(const struct etf_term *t, char *out, size_t size,
			struct dist_error *err)
{
	if (t->type != ETF_STRING || t->v.string.len >= size)
		return bad_view(err, "otp_release is no short string");
	memcpy(out, t->v.string.bytes, t->v.string.len);
	out[t->v.string.len] = '\0';
	return 0;
}

static int integer(const struct etf_term *t, int64_t *out,
		   struct dist_error *err)
{
	if (t->type != ETF_INT)
		return bad_view(err, "an integer expected");
	*out = t->v.i;
	return 0;
}

static json_t *natural(const struct etf_term *t, const char *node)
{
	struct term_json_opts o = { .local_node = node };
	struct dist_error e;
	json_t *j = term_to_json_natural(t, &o, &e);

	return j ? j : json_null();
}

static json_t *str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();
}

/* [{Group, [{Pid, Node}]}] -> [{"group": G, "members": [{pid, node}]}] */
static json_t *groups_json(const struct etf_term *t, const char *node)
{
	json_t *arr = json_array();

	if (!arr || t->type != ETF_LIST)
		return arr;
	for (uint32_t i = 0; i < t->v.list.len; i++) {
		const struct etf_term *g = t->v.list.elems[i];
		const struct etf_term *ms;
		json_t *members = json_array();
		char *n;

		if (!etf_is_tuple(g, 2))
			continue;
		ms = g->v.tuple.elems[1];
		for (uint32_t k = 0; ms->type == ETF_LIST && k < ms->v.list.len;
		     k++) {
			const struct etf_term *m = ms->v.list.elems[k];

			if (!etf_is_tuple(m, 2))
				continue;
			n = atom_text(m->v.tuple.elems[1]);
			json_array_append_new(members, json_pack(
				"{s:o, s:o}", "pid",
				natural(m->v.tuple.elems[0], node), "node",
				str_or_null(n)));
			free(n);
		}
		json_array_append_new(arr, json_pack(
			"{s:o, s:o}", "group", natural(g->v.tuple.elems[0], node),
			"members", members));
	}
	return arr;
}

/* [{Name, Pid, Node}] -> [{"name": N, "pid": P, "node": Node}] */
static json_t *global_json(const struct etf_term *t, const char *node)
{
	json_t *arr = json_array();

	if (!arr || t->type != ETF_LIST)
		return arr;
	for (uint32_t i = 0; i < t->v.list.len; i++) {
		const struct etf_term *g = t->v.list.elems[i];
		char *n;

		if (!etf_is_tuple(g, 3))
			continue;
		n = atom_text(g->v.tuple.elems[2]);
		json_array_append_new(arr, json_pack(
			"{s:o, s:o, s:o}", "name",
			natural(g->v.tuple.elems[0], node), "pid",
			natural(g->v.tuple.elems[1], node), "node",
			str_or_null(n)));
		free(n);
	}
	return arr;
}

int members_view_decode(const struct etf_term *t, struct member_view *v,
			struct dist_error *err)
{
	memset(v, 0, sizeof *v);
	if (!etf_is_tuple(t, 7) && !etf_is_tuple(t, 9))
		return bad_view(err, "a tuple of 7 or 9 expected");
	v->node = atom_text(t->v.tuple.elems[0]);
	if (!v->node)
		return bad_view(err, "node() is not an atom");
	if (atom_list(t->v.tuple.elems[1], &v->visible, &v->nvisible, err) < 0 ||
	    atom_list(t->v.tuple.elems[2], &v->hidden, &v->nhidden, err) < 0 ||
	    release_text(t->v.tuple.elems[3], v->otp_release,
			 sizeof v->otp_release, err) < 0 ||
	    integer(t->v.tuple.elems[4], &v->uptime_ms, err) < 0 ||
	    integer(t->v.tuple.elems[5], &v->processes, err) < 0 ||
	    integer(t->v.tuple.elems[6], &v->memory_bytes, err) < 0)
		return -1;
	if (t->v.tuple.arity == 9) {
		v->groups = groups_json(t->v.tuple.elems[7], v->node);
		v->global = global_json(t->v.tuple.elems[8], v->node);
		if (!v->groups || !v->global)
			return dist_error_nomem(err, DIST_STAGE_REQUEST,
						"the groups of a view");
	}
	return 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; l && i < n; i++)
		free(l[i]);
	free(l);
}

void members_view_free(struct member_view *v)
{
	free(v->node);
	/* A list decoded halfway counts only the names it holds. */
	free_list(v->visible, v->nvisible);
	free_list(v->hidden, v->nhidden);
	json_decref(v->groups);
	json_decref(v->global);
	memset(v, 0, sizeof *v);
}

bool members_view_sees(const struct member_view *v, const char *name)
{
	for (size_t i = 0; i < v->nvisible; i++)
		if (!strcmp(v->visible[i], name))
			return true;
	return false;
}

/* 'name' with ' and \ escaped, as an Erlang quoted atom. */
static int quoted_atom(const char *s, char *out, size_t size)
{
	size_t k = 0;

	if (size < 3)
		return -1;
	out[k++] = '\'';
	for (; *s; s++) {
		if (k + 3 >= size)
			return -1;
		if (*s == '\'' || *s == '\\')
			out[k++] = '\\';
		out[k++] = *s;
	}
	out[k++] = '\'';
	out[k] = '\0';
	return 0;
}

int members_indirect_expr(const char *target, int64_t wait_ms, char *out,
			  size_t size, struct dist_error *err)
{
	char atom[1100];
	int n;

	if (quoted_atom(target, atom, sizeof atom) < 0)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
				      "node name too long for a probe");
	/* {is_auth, node()} is net_adm:ping's question; net_kernel
	 * answers yes and changes nothing. The reply comes to {self(),
	 * Ref} as {Ref, yes}. */
	n = snprintf(out, size,
		     "T = %s, R = make_ref(),"
		     " case lists:member(T, nodes()) of"
		     " false -> noconnect;"
		     " true -> case erlang:send({net_kernel, T},"
		     " {'$gen_call', {self(), R}, {is_auth, node()}},"
		     " [noconnect]) of"
		     " noconnect -> noconnect;"
		     " _ -> receive {R, yes} -> yes after %lld -> timeout end"
		     " end end.",
		     atom, (long long)wait_ms);
	if (n < 0 || (size_t)n >= size)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
				      "node name too long for a probe");
	return 0;
}

int members_indirect_decode(const struct etf_term *t,
			    enum members_indirect_answer *a,
			    struct dist_error *err)
{
	if (etf_is_atom(t, "yes"))
		*a = MEMBERS_INDIRECT_REACHED;
	else if (etf_is_atom(t, "noconnect"))
		*a = MEMBERS_INDIRECT_NOT_CONNECTED;
	else if (etf_is_atom(t, "timeout"))
		*a = MEMBERS_INDIRECT_NO_ANSWER;
	else
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "the indirect probe answered something "
				      "else than yes, noconnect or timeout");
	return 0;
}
