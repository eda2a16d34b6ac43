/*
 * soap_node.c — finding things in a parsed request tree: children by
 * name, attributes, xsi:nil, and typed values of a node's text through
 * soap_value.h (see soap_request.h).  Not here: building the tree
 * (soap_request.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "soap/soap.h"
#include "soap/soap_request.h"
#include "soap/soap_value.h"

int
soap_node_is(const struct soap_node *n, const char *ns, const char *local)
{
	return n != NULL && strcmp(n->name, local) == 0 &&
	    (ns == NULL || strcmp(n->ns, ns) == 0);
}

const struct soap_node *
soap_child_ns(const struct soap_node *parent, const char *ns, const char *local)
{
	const struct soap_node *c;

	if (parent == NULL)
		return NULL;
	for (c = parent->children; c != NULL; c = c->next)
		if (soap_node_is(c, ns, local))
			return c;
	return NULL;
}

const struct soap_node *
soap_child(const struct soap_node *parent, const char *local)
{
	return parent == NULL ? NULL : soap_child_ns(parent, parent->ns, local);
}

const struct soap_node *
soap_next_same(const struct soap_node *n)
{
	const struct soap_node *c;

	if (n == NULL)
		return NULL;
	for (c = n->next; c != NULL; c = c->next)
		if (c->ns == n->ns || strcmp(c->ns, n->ns) == 0)
			if (strcmp(c->name, n->name) == 0)
				return c;
	return NULL;
}

size_t
soap_count_children(const struct soap_node *parent, const char *local)
{
	const struct soap_node *c;
	size_t k = 0;

	SOAP_FOREACH_CHILD(c, parent, local)
		k++;
	return k;
}

const char *
soap_attr(const struct soap_node *n, const char *ns, const char *local)
{
	const struct soap_attr *a;

	if (n == NULL)
		return NULL;
	if (ns == NULL)
		ns = "";
	for (a = n->attrs; a != NULL; a = a->next)
		if (strcmp(a->name, local) == 0 && strcmp(a->ns, ns) == 0)
			return a->value;
	return NULL;
}

int
soap_is_nil(const struct soap_node *n)
{
	const char *v = soap_attr(n, SOAP_NS_XSI, "nil");
	int b;

	return v != NULL && soap_parse_bool(v, strlen(v), &b) == 0 && b;
}

const char *
soap_child_text(const struct soap_node *parent, const char *local)
{
	const struct soap_node *c = soap_child(parent, local);

	return c == NULL ? NULL : c->text;
}

int
soap_node_int32(const struct soap_node *n, int32_t *out)
{
	return n == NULL ? -1 : soap_parse_int32(n->text, n->text_len, out);
}

int
soap_node_int64(const struct soap_node *n, int64_t *out)
{
	return n == NULL ? -1 : soap_parse_int64(n->text, n->text_len, out);
}

int
soap_node_uint32(const struct soap_node *n, uint32_t *out)
{
	return n == NULL ? -1 : soap_parse_uint32(n->text, n->text_len, out);
}

int
soap_node_bool(const struct soap_node *n, int *out)
{
	return n == NULL ? -1 : soap_parse_bool(n->text, n->text_len, out);
}

int
soap_node_datetime(const struct soap_node *n, struct soap_datetime *out)
{
	return n == NULL ? -1 : soap_parse_datetime(n->text, n->text_len, out);
}

int
soap_node_guid(const struct soap_node *n, char out[SOAP_GUID_STRLEN])
{
	return n == NULL ? -1 : soap_parse_guid(n->text, n->text_len, out);
}

int
soap_node_base64(const struct soap_node *n, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	return n == NULL ? -1 :
	    soap_parse_base64(n->text, n->text_len, out, outcap, outlen);
}
