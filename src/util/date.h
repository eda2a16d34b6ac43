/*
 * date.h — proleptic Gregorian calendar arithmetic on day numbers
 * (Howard Hinnant's public-domain days_from_civil / civil_from_days).
 *
 * Day 0 is 1970-01-01; no time zones, no leap seconds, no parsing or
 * formatting (soap/soap_value.h, http/content_handler.h do those).
 */
#ifndef WSUSD_UTIL_DATE_H
#define WSUSD_UTIL_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31; not range checked). */
int64_t	days_from_civil(int64_t y, unsigned m, unsigned d);
/* The date of day z (inverse of days_from_civil). */
void	civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
bool	date_is_leap(int64_t y);
/* Days in month m (1..12) of year y. */
unsigned date_month_days(int64_t y, unsigned m);

#endif
