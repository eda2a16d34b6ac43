/*
 * applic.h — what wsus-client needs from a core fragment (the <Xml> of
 * an UpdateInfo in SyncUpdates): the update's identity and type, its
 * prerequisite clauses and bundled groups, driver hardware ids, and the
 * values of its IsInstalled / IsInstallable rules evaluated on the
 * simulated machine in the same pass.
 *
 * A core fragment is a concatenation of elements without a root and
 * without namespace declarations (<UpdateIdentity .../><Properties .../>
 * <Relationships>...</Relationships><ApplicabilityRules>...), rule
 * elements carry the "b." (BaseApplicabilityRules), "m." (MSI) or "d."
 * (driver) prefixes as part of their names.  It is parsed with Expat
 * inside a synthetic root, with the nesting depth and element count
 * bounded; nothing is fetched or expanded.
 *
 * Rules simulated (docs/CLIENT.md has the details): And, Or, Not, True,
 * False; b.WindowsVersion, b.WindowsLanguage, b.Processor; b.RegDword,
 * b.RegQword, b.RegSz, b.RegExpandSz, b.RegValueExists, b.RegKeyExists;
 * b.FileExists, b.FileVersion, b.FileExistsPrependRegSz,
 * b.FileVersionPrependRegSz.  Any other rule takes the machine's
 * unknown_rule_value (false unless the machine file says otherwise) and
 * is counted in struct core.unknown_rules.
 */
#ifndef WSUSD_CLIENT_APPLIC_H
#define WSUSD_CLIENT_APPLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/guid.h"
#include "client/machine.h"

#define CORE_MAX_DEPTH		64	/* element nesting inside the fragment */
#define CORE_MAX_ELEMENTS	200000	/* elements in one fragment */
#define CORE_MAX_IDS		100000	/* prerequisite / bundle ids */

enum utype {
	UT_OTHER = 0,
	UT_SOFTWARE,
	UT_DRIVER,
	UT_CATEGORY,
	UT_DETECTOID,
};

/* One AND term: at least one of ids[first .. first+n-1]. */
struct clause {
	uint32_t	 first;
	uint32_t	 n;
	bool		 is_category;
};

struct core {
	struct guid	 id;		/* UpdateIdentity/@UpdateID */
	int		 revision;	/* @RevisionNumber */
	enum utype	 type;		/* Properties/@UpdateType */
	struct guid	*prereq_ids;	/* owned */
	struct clause	*prereqs;	/* owned; AND of these */
	size_t		 nprereq_ids, nprereqs;
	struct guid	*bundle_ids;	/* owned */
	struct clause	*bundles;	/* owned; every group needs one member */
	size_t		 nbundle_ids, nbundles;
	int		 is_installed;	/* rule value; -1 when there is no rule */
	int		 is_installable; /* rule value; -1 when there is no rule */
	char		**hwids;	/* owned; driver HardwareID attributes */
	size_t		 nhwids;
	unsigned	 unknown_rules;	/* rules evaluated with the default */
};

/*
 * Parse a core fragment and evaluate its rules on m.  0, or -1 with a
 * reason in err (then *out is empty).  Free with core_free().
 */
int	core_parse(const char *xml, size_t len, const struct machine *m,
	    struct core *out, char *err, size_t errlen);
void	core_free(struct core *);

const char *utype_name(enum utype);

/* Compare two 4-part versions: <0, 0, >0. */
int	version_cmp(const uint16_t a[4], const uint16_t b[4]);

#endif
