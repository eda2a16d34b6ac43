/*
 * driver_meta.h — the driver metadata of an update, as the catalog keeps
 * it: every <WindowsDriverMetaData> of a stored update document, read
 * when the catalog is built (Expat through the metadata layer's hardened
 * parser, bounded), and the parsers of its values.
 *
 * The metadata layer records only that a revision has driver metadata;
 * this module reads the elements themselves.  What it is not: the ranking
 * of candidate drivers for a device (src/wusp/driver_rank.h).
 */
#ifndef WSUSD_CATALOG_DRIVER_META_H
#define WSUSD_CATALOG_DRIVER_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds applied while reading hostile documents. */
#define DRIVER_META_MAX		256	/* WindowsDriverMetaData per document */
#define DRIVER_FEATURES_MAX	64	/* FeatureScore per metadata */
#define DRIVER_CHIDS_MAX	256	/* computer hardware ids per metadata */
#define DRIVER_PROVIDERS_MAX	64	/* CompatibleProvider per metadata */
#define DRIVER_STR_MAX		256	/* bytes of one string attribute */

#define DRIVER_DATE_UNKNOWN	INT32_MIN

struct driver_feature_score {
	char	    os[64];		/* OperatingSystem, e.g. "AMD64.10.0" */
	uint8_t	    score;		/* FeatureScore (hex on the wire), lower is better */
};

/* One <WindowsDriverMetaData>.  Strings owned, NUL-terminated. */
struct driver_meta {
	char	   *hardware_id;	/* HardwareID */
	int32_t	    ver_date;		/* DriverVerDate, days since 1970-01-01 */
	uint64_t    ver_version;	/* DriverVerVersion as a 64-bit number */
	char	   *class_name;		/* Class; may be NULL */
	char	   *manufacturer;	/* may be NULL */
	char	   *provider;		/* may be NULL */
	size_t	    nfeatures;
	struct driver_feature_score *features;	/* owned */
	/* TargetComputerHardwareId and DistributionComputerHardwareId
	 * (16-byte GUIDs in text order): when any is given the driver is
	 * offered only to computers whose ComputerSpec has one of them. */
	size_t	    nchids;
	uint8_t	  (*chids)[16];		/* owned */
	size_t	    nproviders;
	char	  **providers;		/* CompatibleProvider; owned */
};

/*
 * Read every WindowsDriverMetaData of a full update document.  0 with
 * *out (may be NULL when *n is 0) or -1 with a reason in err.  Free the
 * array with driver_meta_free().
 */
int	driver_meta_parse(const char *xml, size_t len, struct driver_meta **out,
	    size_t *n, char *err, size_t errlen);
void	driver_meta_free(struct driver_meta *, size_t n);

/* "YYYY-MM-DD" optionally followed by a time ("T..."): days since
 * 1970-01-01, or DRIVER_DATE_UNKNOWN. */
int32_t	driver_date_parse(const char *s);
/* "a.b.c.d" (each 0..65535) or a plain decimal 64-bit number: 0 or -1. */
int	driver_version_parse(const char *s, uint64_t *out);
/* Parse a GUID (any case, optional braces) into 16 bytes in text order. */
int	driver_guid_parse(const char *s, uint8_t out[16]);

#endif
