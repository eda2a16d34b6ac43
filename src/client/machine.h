/*
 * machine.h — the simulated Windows machine of wsus-client: identity,
 * OS version, hardware, client-side target groups, the updates it has
 * installed, and the registry values and file versions the applicability
 * rules of update metadata look at.
 *
 * A machine is read from a file in one of two formats (chosen by the
 * first non-blank character: '{' means JSON, read with jansson; anything
 * else is INI); docs/CLIENT.md describes both.  Every field has a default:
 * the Windows 11 25H2 (build 26200, AMD64, en-US) virtual machine of the
 * real captures in tests/fixtures/soap/wusp-native-capture, so
 * machine_default() alone gives the same RegisterComputer body as the
 * captured client.  Strings are bounded and may not hold control
 * characters; lists are bounded (MACHINE_MAX_*).
 *
 * Not here: evaluating rules (applic.h), anything on the network.
 */
#ifndef WSUSD_CLIENT_MACHINE_H
#define WSUSD_CLIENT_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/guid.h"

#define MACHINE_MAX_STRING	1024	/* bytes in one string value */
#define MACHINE_MAX_ATTRS	8192	/* device/caller attribute strings */
#define MACHINE_MAX_LIST	100000	/* entries in any one list */
#define MACHINE_MAX_FILE	(16u * 1024 * 1024)	/* machine file size */

enum reg_type {
	REG_T_KEY = 0,		/* the key exists (no value) */
	REG_T_DWORD,
	REG_T_QWORD,
	REG_T_SZ,
	REG_T_EXPAND_SZ,
	REG_T_MULTI_SZ,
	REG_T_BINARY,
};

/* One registry value (or key, REG_T_KEY). */
struct reg_entry {
	char		*key;		/* owned; "HKEY_LOCAL_MACHINE\sub\key", lower case */
	char		*value;		/* owned; value name, lower case; NULL for a key */
	enum reg_type	 type;
	uint64_t	 num;		/* DWORD / QWORD */
	char		*str;		/* owned; SZ, EXPAND_SZ, MULTI_SZ (NUL-separated), BINARY (raw) */
	size_t		 strlen;
};

/* One file with its version (for b.FileVersion* / b.FileExists* rules). */
struct file_entry {
	char		*path;		/* owned; full path, lower case, '\' separators */
	uint16_t	 version[4];
	bool		 has_version;
};

/* One device of SystemSpec (driver pass). */
struct device {
	char		**hwids;	/* owned; most specific first */
	size_t		  nhwids;
	char		**compat;	/* owned; compatible ids */
	size_t		  ncompat;
};

struct machine {
	char		 client_id[GUID_STRLEN + 1]; /* SusClientId; "" = random per run */
	char		*dns_name;	/* owned */
	int		 os_major, os_minor, os_build, os_revision; /* revision: UBR */
	int		 sp_major, sp_minor;
	int		 product_type;	/* 1 workstation, 2 DC, 3 server */
	int		 suite_mask;
	int		 new_product_type; /* GetProductInfo, 48 = Professional */
	char		*arch;		/* owned; "AMD64", "X86", "ARM64", "IA64" */
	char		*locale;	/* owned; "en-US" */
	int		 locale_id;	/* LCID, 1033 */
	char		*manufacturer, *model, *bios_version, *bios_name;
	char		*bios_date;	/* owned; "YYYY-MM-DD" */
	char		*os_description, *oem, *device_type, *firmware_version;
	char		*mobile_operator;
	int		 client_version[4]; /* WUA version, 1507.2601.30012.0 */
	char		*protocol_version; /* "2.90" */
	char		*device_attributes; /* owned; NULL = built from the fields */
	char		*caller_attributes; /* owned; NULL = the default */
	char		**languages;	/* owned; installed UI languages ("en") */
	size_t		  nlanguages;
	char		**target_groups; /* owned; client-side targeting */
	size_t		  ntarget_groups;
	struct guid	 *installed;	/* sorted; updates known to be installed */
	size_t		  ninstalled;
	struct guid	 *fail_install;	/* sorted; installs of these fail (182) */
	size_t		  nfail_install;
	struct reg_entry *reg;		/* owned */
	size_t		  nreg;
	struct file_entry *files;	/* owned */
	size_t		  nfiles;
	struct device	 *devices;	/* owned; SystemSpec */
	size_t		  ndevices;
	struct guid	 *computer_hwids; /* ComputerSpec/HardwareIDs */
	size_t		  ncomputer_hwids;
	/*
	 * The value of an applicability rule the simulator does not know
	 * (b.WmiQuery, m.MsiProductInstalled, ...): false unless the file
	 * says unknown_rules = true.
	 */
	bool		 unknown_rule_value;
};

/* The captured Windows 11 25H2 VM; free with machine_free(). */
void	machine_default(struct machine *);
void	machine_free(struct machine *);

/*
 * Read a machine file over the defaults.  0, or -1 with "FILE:LINE:
 * reason" (INI) or "FILE: reason" (JSON) in err; on failure *m is freed
 * and reset to the defaults.
 */
int	machine_load(struct machine *m, const char *path, char *err,
	    size_t errlen);
/* The same from memory (name is used in messages). */
int	machine_load_mem(struct machine *m, const char *name, const char *text,
	    size_t len, char *err, size_t errlen);

/* Deep copy (for load mode: each simulated client owns one). */
void	machine_copy(struct machine *dst, const struct machine *src);

bool	machine_is_installed(const struct machine *, const struct guid *);
bool	machine_install_fails(const struct machine *, const struct guid *);
/* Add an update to the installed list (after a simulated install). */
void	machine_add_installed(struct machine *, const struct guid *);

/*
 * Registry lookups.  key: "HKEY_LOCAL_MACHINE" (or HKLM ...) and subkey
 * as in rule attributes, any case.  reg_value: NULL when absent.
 */
const struct reg_entry *machine_reg_value(const struct machine *,
	    const char *key, const char *subkey, const char *value);
bool	machine_reg_key_exists(const struct machine *, const char *key,
	    const char *subkey);
/* A file by full path (any case, '/' or '\'); NULL when absent. */
const struct file_entry *machine_file(const struct machine *, const char *path);

/* "Amd64Compatible", "X86Compatible", "IA64Compatible" or "Unknown". */
const char *machine_report_arch(const struct machine *);
/* PROCESSOR_ARCHITECTURE number of b.Processor: 9, 0, 6, 12, 5 or -1. */
int	machine_processor_arch(const struct machine *);

/* Parse "a.b.c.d" (1 to 4 parts, each 0..65535) into v; 0 or -1. */
int	parse_version4(const char *s, uint16_t v[4]);

#endif
