#include "time_format.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace dtoken::mock {
namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// Reads exactly `digits` decimal digits at `at`, advancing it.
bool read_number(std::string_view text, std::size_t& at, std::size_t digits, int& value) {
  if (at + digits > text.size()) return false;
  const char* begin = text.data() + at;
  const auto [end, error] = std::from_chars(begin, begin + digits, value);
  if (error != std::errc{} || end != begin + digits) return false;
  at += digits;
  return true;
}

std::optional<millis> unit_millis(char unit) {
  constexpr millis minute = 60'000;
  switch (unit) {
    case 'm':
      return minute;
    case 'h':
      return 60 * minute;
    case 'd':
      return 24 * 60 * minute;
    case 'w':
      return 7 * 24 * 60 * minute;
    case 'M':
      return 30 * 24 * 60 * minute;
    case 'y':
      return 365 * 24 * 60 * minute;
    default:
      return std::nullopt;
  }
}

std::optional<millis> parse_relative(std::string_view text, millis now) {
  text.remove_prefix(3);  // "now"
  millis when = now;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    const bool minus = text[0] == '-';
    std::size_t at = 1;
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + text.size(), count);
    if (error != std::errc{} || count < 0) return std::nullopt;
    at = static_cast<std::size_t>(end - text.data());
    if (at >= text.size()) return std::nullopt;
    const auto unit = unit_millis(text[at]);
    if (!unit || count > 1'000'000'000 / (*unit / 60'000 + 1)) return std::nullopt;
    when += (minus ? -1 : 1) * count * *unit;
    text.remove_prefix(at + 1);
  }
  if (!text.empty()) {
    if (text.size() != 2 || text[0] != '/') return std::nullopt;
    const auto unit = unit_millis(text[1]);
    if (!unit) return std::nullopt;
    when -= ((when % *unit) + *unit) % *unit;
  }
  return when;
}

std::optional<millis> parse_iso(std::string_view text) {
  std::size_t at = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, fraction = 0;
  if (!read_number(text, at, 4, year) || at >= text.size() || text[at++] != '-' ||
      !read_number(text, at, 2, month) || at >= text.size() || text[at++] != '-' ||
      !read_number(text, at, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
    ++at;
    if (!read_number(text, at, 2, hour) || at >= text.size() || text[at++] != ':' ||
        !read_number(text, at, 2, minute)) {
      return std::nullopt;
    }
    if (at < text.size() && text[at] == ':') {
      ++at;
      if (!read_number(text, at, 2, second)) return std::nullopt;
      if (at < text.size() && text[at] == '.') {
        ++at;
        std::size_t digits = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
          if (digits < 3) fraction = fraction * 10 + (text[at] - '0');
          ++digits;
          ++at;
        }
        if (digits == 0) return std::nullopt;
        for (std::size_t d = digits; d < 3; ++d) fraction *= 10;
      }
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  millis offset = 0;
  if (at < text.size()) {
    if (text[at] == 'Z' && at + 1 == text.size()) {
      ++at;
    } else if (text[at] == '+' || text[at] == '-') {
      const int sign = text[at] == '-' ? -1 : 1;
      ++at;
      int zone_hours = 0, zone_minutes = 0;
      if (!read_number(text, at, 2, zone_hours)) return std::nullopt;
      if (at < text.size() && text[at] == ':') ++at;
      if (!read_number(text, at, 2, zone_minutes)) return std::nullopt;
      offset = sign * (zone_hours * 60 + zone_minutes) * 60'000LL;
    } else {
      return std::nullopt;
    }
  }
  if (at != text.size()) return std::nullopt;
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60'000LL + second * 1000LL + fraction - offset;
}

}  // namespace

std::string format_date(millis when) {
  std::string text;
  append_date(text, when);
  return text;
}

void append_date(std::string& out, millis when) {
  // std::chrono's calendar, digits written in place: gmtime_r and snprintf took a tenth of the
  // CPU time of a list call.
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(when)};
  const sys_days day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {  // (outside what four digits hold: printf's widths)
    std::array<char, 96> text{};
    std::snprintf(
        text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
        static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
        static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
    out.append(text.data());
    return;
  }
  const std::size_t start = out.size();
  out.append("0000-00-00T00:00:00.000Z");
  const auto put = [&out, start](std::size_t at, std::size_t width, long long value) {
    for (std::size_t i = start + at + width; i-- > start + at; value /= 10)
      out[i] = static_cast<char>('0' + value % 10);
  };
  put(0, 4, year);
  put(5, 2, static_cast<unsigned>(date.month()));
  put(8, 2, static_cast<unsigned>(date.day()));
  put(11, 2, clock.hours().count());
  put(14, 2, clock.minutes().count());
  put(17, 2, clock.seconds().count());
  put(20, 3, clock.subseconds().count());
}

std::optional<millis> parse_time(std::string_view text, millis now) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text.starts_with("now")) return parse_relative(text, now);
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    millis value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{}) return std::nullopt;
    return value;
  }
  return parse_iso(text);
}

}  // namespace dtoken::mock
