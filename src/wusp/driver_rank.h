/*
 * driver_rank.h — driver metadata and the driver ranking rules of
 * MS-WUSP SyncUpdates ([MS-WUSP] 3.1.5.7).
 *
 * The metadata layer records only that a revision has driver metadata;
 * this module reads the <WindowsDriverMetaData> elements of a stored
 * update document itself (Expat through the metadata layer's hardened
 * parser, bounded) when the catalog is built, and ranks candidate
 * drivers for one device of a client's SystemSpec.
 *
 * Ranking, best first ("a is better than b" when the first rule that
 * differs says so):
 *   1. computer hardware id: matched a ComputerSpec HardwareID listed
 *      earlier (a driver that names no computer hardware id ranks after
 *      every driver that matched one);
 *   2. feature score for the client's FeatureScoreMatchingKey: lower;
 *   3. device id: the driver's HardwareID matched a device id listed
 *      earlier (HardwareIDs first, then CompatibleIDs);
 *   4. DriverVerDate: newer;
 *   5. DriverVerVersion (four 16-bit parts as one 64-bit number): higher.
 *
 * Not here: scope, approvals, paging (sync_updates.c).
 */
#ifndef WSUSD_WUSP_DRIVER_RANK_H
#define WSUSD_WUSP_DRIVER_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds applied while reading hostile documents. */
#define DRIVER_META_MAX		256	/* WindowsDriverMetaData per document */
#define DRIVER_FEATURES_MAX	64	/* FeatureScore per metadata */
#define DRIVER_CHIDS_MAX	256	/* computer hardware ids per metadata */
#define DRIVER_PROVIDERS_MAX	64	/* CompatibleProvider per metadata */
#define DRIVER_STR_MAX		256	/* bytes of one string attribute */

#define DRIVER_RANK_NO_CHID	UINT32_MAX	/* no computer hardware id matched */
#define DRIVER_RANK_NO_HWID	UINT32_MAX	/* no device id matched */
#define DRIVER_FEATURE_NONE	0xFFu		/* no feature score for the key */
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

struct driver_rank {
	uint32_t    chid;		/* index in ComputerSpec; DRIVER_RANK_NO_CHID */
	uint32_t    feature;		/* 0..255 */
	uint32_t    hwid;		/* index among the device's ids; DRIVER_RANK_NO_HWID */
	int32_t	    date;		/* days; DRIVER_DATE_UNKNOWN */
	uint64_t    version;
};

/*
 * Read every WindowsDriverMetaData of a full update document.  0 with
 * *out (may be NULL when *n is 0) or -1 with a reason in err.  Free the
 * array with driver_meta_free().
 */
int	driver_meta_parse(const char *xml, size_t len, struct driver_meta **out,
	    size_t *n, char *err, size_t errlen);
void	driver_meta_free(struct driver_meta *, size_t n);

/* <0: a is the better driver, >0: b is, 0: equal matches. */
int	driver_rank_cmp(const struct driver_rank *a, const struct driver_rank *b);

/* Feature score of m for key (case-insensitive), DRIVER_FEATURE_NONE when absent. */
uint32_t driver_feature_for(const struct driver_meta *m, const char *key);

/* "YYYY-MM-DD" optionally followed by a time ("T..."): days since
 * 1970-01-01, or DRIVER_DATE_UNKNOWN. */
int32_t	driver_date_parse(const char *s);
/* "a.b.c.d" (each 0..65535) or a plain decimal 64-bit number: 0 or -1. */
int	driver_version_parse(const char *s, uint64_t *out);
/* Parse a GUID (any case, optional braces) into 16 bytes in text order. */
int	driver_guid_parse(const char *s, uint8_t out[16]);

#endif
