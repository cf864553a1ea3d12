// Time functions: to_timestamp, extract / date_part, date_trunc.
// Timestamps are int64 microseconds since the epoch, UTC.

#include <cmath>
#include <limits>
#include <optional>

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/functions.hpp"
#include "sluice/core/expr/lexer.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_day = 86'400 * us_per_second;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2;
  std::int64_t era = floor_div(y, 400);
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct civil {
  std::int64_t year, month, day;
};

civil civil_from_days(std::int64_t z) {
  z += 719468;
  std::int64_t era = floor_div(z, 146097);
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2), m, d};
}

enum class part {
  year,
  quarter,
  month,
  day,
  hour,
  minute,
  second,
  millisecond,
  microsecond,
  dow,
  doy,
  epoch
};

struct named_part {
  std::string_view name;
  part p;
};

constexpr named_part parts[] = {
  {"year", part::year},
  {"quarter", part::quarter},
  {"month", part::month},
  {"day", part::day},
  {"hour", part::hour},
  {"minute", part::minute},
  {"second", part::second},
  {"millisecond", part::millisecond},
  {"microsecond", part::microsecond},
  {"dow", part::dow},
  {"doy", part::doy},
  {"epoch", part::epoch},
};

/// q * step, saturated at the int64 range. Only timestamps within a day of
/// the lowest one (around year -290 000) need it: their truncation is not
/// representable and stays at the lowest value instead of overflowing.
std::int64_t saturated_times(std::int64_t q, std::int64_t step) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(q, step, &out))
    return q < 0 ? std::numeric_limits<std::int64_t>::min()
                 : std::numeric_limits<std::int64_t>::max();
  return out;
}

std::int64_t extract_int(part p, std::int64_t t) {
  std::int64_t days = floor_div(t, us_per_day);
  std::int64_t of_day = t % us_per_day; // no days * us_per_day: it may not fit
  if (of_day < 0) of_day += us_per_day;
  switch (p) {
    case part::hour: return of_day / (3600 * us_per_second);
    case part::minute: return of_day / (60 * us_per_second) % 60;
    case part::second: return of_day / us_per_second % 60;
    case part::millisecond: return of_day % us_per_second / 1000;
    case part::microsecond: return of_day % us_per_second;
    case part::dow: return ((days + 4) % 7 + 7) % 7; // 1970-01-01 was a Thursday
    default: break;
  }
  civil c = civil_from_days(days);
  switch (p) {
    case part::year: return c.year;
    case part::quarter: return (c.month - 1) / 3 + 1;
    case part::month: return c.month;
    case part::day: return c.day;
    default: return days - days_from_civil(c.year, 1, 1) + 1; // doy
  }
}

// The constant string of argument k, lower-cased; fails when not constant.
std::string constant_word(call_site& site, std::size_t k, const char* what) {
  const scalar* s = site.args[k].n->constant();
  if (!s || s->type != vt::string)
    site.fail_at_arg(k, std::string(site.def->name) + "() needs the " + what
                          + " as a constant string");
  std::string out = s->s;
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// extract(part FROM ts) and date_part('part', ts).
node_ptr build_extract(call_site& site) {
  if (!site.accept(0, vt::string)) site.mismatch();
  if (!site.accept(1, vt::timestamp))
    fail_at(site.text, site.offset,
            std::string(site.def->name) + "() needs a timestamp, got "
              + std::string(name_of(site.type(1))) + "; expected "
              + std::string(site.def->signature));
  std::string word = constant_word(site, 0, "part");
  const named_part* found = nullptr;
  std::string names;
  for (const auto& np : parts) {
    if (np.name == word) found = &np;
    names += (names.empty() ? "" : ", ") + std::string(np.name);
  }
  if (!found) site.fail_at_arg(0, "unknown part '" + word + "' (parts: " + names + ")");
  part p = found->p;
  std::vector<node_ptr> args{site.args[1].n};
  if (p == part::epoch)
    return make_call(vt::float64, args, [](kernel_io& io) {
      with_number_reader<std::int64_t>(io.args[0], [&](auto t) {
        fill_rows(io, io.out.doubles,
                  [&](std::size_t i) { return static_cast<double>(t[i]) / 1e6; });
      });
    });
  return make_call(vt::int64, args, [p](kernel_io& io) {
    with_number_reader<std::int64_t>(io.args[0], [&](auto t) {
      fill_rows(io, io.out.ints, [&](std::size_t i) { return extract_int(p, t[i]); });
    });
  });
}

enum class unit { millisecond, second, minute, hour, day, week, month, year };

std::int64_t truncate(unit u, std::int64_t t) {
  auto down = [t](std::int64_t step) { return saturated_times(floor_div(t, step), step); };
  std::int64_t days = floor_div(t, us_per_day);
  switch (u) {
    case unit::millisecond: return down(1000);
    case unit::second: return down(us_per_second);
    case unit::minute: return down(60 * us_per_second);
    case unit::hour: return down(3600 * us_per_second);
    case unit::day: return saturated_times(days, us_per_day);
    case unit::week: // back to Monday
      return saturated_times(days - ((days + 3) % 7 + 7) % 7, us_per_day);
    case unit::month: {
      civil c = civil_from_days(days);
      return saturated_times(days_from_civil(c.year, c.month, 1), us_per_day);
    }
    case unit::year:
      return saturated_times(days_from_civil(civil_from_days(days).year, 1, 1), us_per_day);
  }
  return t;
}

node_ptr build_date_trunc(call_site& site) {
  if (!site.accept(0, vt::string) || !site.accept(1, vt::timestamp)) site.mismatch();
  std::string word = constant_word(site, 0, "unit");
  static constexpr std::pair<std::string_view, unit> units[] = {{"millisecond", unit::millisecond},
                                                                {"second", unit::second},
                                                                {"minute", unit::minute},
                                                                {"hour", unit::hour},
                                                                {"day", unit::day},
                                                                {"week", unit::week},
                                                                {"month", unit::month},
                                                                {"year", unit::year}};
  std::optional<unit> u;
  std::string names;
  for (const auto& [name, value] : units) {
    if (name == word) u = value;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  if (!u) site.fail_at_arg(0, "unknown unit '" + word + "' (units: " + names + ")");
  std::vector<node_ptr> args{site.args[1].n};
  return make_call(vt::timestamp, args, [u = *u](kernel_io& io) {
    with_number_reader<std::int64_t>(io.args[0], [&](auto t) {
      fill_rows(io, io.out.ints, [&](std::size_t i) { return truncate(u, t[i]); });
    });
  });
}

// to_timestamp(string): ISO-8601; to_timestamp(number): seconds since epoch.
node_ptr build_to_timestamp(call_site& site) {
  if (site.is_null(0) || site.type(0) == vt::string || site.type(0) == vt::timestamp)
    return make_cast(site.args[0].n, vt::timestamp);
  if (!site.accept_number(0)) site.mismatch();
  return make_call(vt::timestamp, site.nodes(), [](kernel_io& io) {
    with_number_reader<double>(io.args[0], [&](auto x) {
      fill_rows(io, io.out.ints, [&](std::size_t i) -> std::int64_t {
        double us = std::round(x[i] * 1e6);
        if (us >= -9.2e18 && us <= 9.2e18) return static_cast<std::int64_t>(us);
        io.fail(i, "to_timestamp(): " + std::to_string(x[i]) + " seconds is out of range");
        return 0;
      });
    });
  });
}

} // namespace

const std::vector<function_def>& time_functions() {
  static const std::vector<function_def> table = {
    {"to_timestamp", "to_timestamp(string ISO-8601 | number seconds) -> timestamp", 1, 1,
     build_to_timestamp},
    {"extract", "extract(part FROM timestamp) -> int (double for epoch)", 2, 2, build_extract},
    {"date_part", "date_part(part string, timestamp) -> int (double for epoch)", 2, 2,
     build_extract},
    {"date_trunc", "date_trunc(unit string, timestamp) -> timestamp", 2, 2, build_date_trunc},
  };
  return table;
}

} // namespace sluice::core::expr
