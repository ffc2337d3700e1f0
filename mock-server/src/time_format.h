// Dates as the token API writes and reads them.
#ifndef DTOKEN_MOCK_TIME_FORMAT_H
#define DTOKEN_MOCK_TIME_FORMAT_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dtoken::mock {

// Milliseconds since the Unix epoch, UTC.
using millis = std::int64_t;

// "2020-11-05T08:15:30.144Z": yyyy-MM-dd'T'HH:mm:ss.SSS'Z', as every v2 date in a response.
std::string format_date(millis when);
// Appends format_date(when) to `out`, with no string of its own (a list writes hundreds).
void append_date(std::string& out, millis when);

// A time as the API's `from`, `to` and `expirationDate` take it, relative to `now`:
//   - a UTC timestamp in milliseconds ("1604564130144");
//   - an ISO date "2021-01-25T05:57:01.123+01:00": the zone may be Z, +hh:mm or absent (UTC); a
//     space may stand for 'T'; seconds and fractions are optional;
//   - relative: "now", "now-2h", "now+14d", optionally rounded down with "/unit" ("now-1d/d");
//     units m h d w M y (months and years as 30 and 365 days).
// nullopt when the text is none of these.
std::optional<millis> parse_time(std::string_view text, millis now);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TIME_FORMAT_H
