// CAST(x AS type): conversions between the five value types.

#include <charconv>
#include <cmath>

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/lexer.hpp"
#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

std::string_view trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  s = trimmed(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_bool(std::string_view s, std::uint8_t& out) {
  s = trimmed(s);
  for (std::string_view t : {"true", "t", "yes", "y", "on", "1"})
    if (equals_ignore_case(s, t)) return out = 1, true;
  for (std::string_view f : {"false", "f", "no", "n", "off", "0"})
    if (equals_ignore_case(s, f)) return out = 0, true;
  return false;
}

std::string cannot(std::string_view value, vt to, const char* hint = "") {
  return "cannot cast " + quoted_value(value) + " to " + std::string(name_of(to)) + hint;
}

// Rounds half away from zero; false when the result is outside int64.
bool double_to_int(double d, std::int64_t& out) {
  double r = std::round(d);
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return false;
  out = static_cast<std::int64_t>(r);
  return true;
}

void from_string(kernel_io& io, vt to) {
  with_string_reader(io.args[0], [&](auto s) {
    switch (to) {
      case vt::int64:
        fill_rows(io, io.out.ints, [&](std::size_t i) {
          std::int64_t v = 0;
          if (!parse_number(s[i], v)) io.fail(i, cannot(s[i], to));
          return v;
        });
        break;
      case vt::float64:
        fill_rows(io, io.out.doubles, [&](std::size_t i) {
          double v = 0;
          if (!parse_number(s[i], v)) io.fail(i, cannot(s[i], to));
          return v;
        });
        break;
      case vt::boolean:
        fill_rows(io, io.out.bools, [&](std::size_t i) {
          std::uint8_t v = 0;
          if (!parse_bool(s[i], v)) io.fail(i, cannot(s[i], to, " (expected true or false)"));
          return v;
        });
        break;
      case vt::timestamp:
        fill_rows(io, io.out.ints, [&](std::size_t i) -> std::int64_t {
          if (auto t = parse_iso8601(trimmed(s[i]))) return *t;
          io.fail(i, cannot(s[i], to, " (expected ISO-8601, e.g. '2026-01-01T00:00:00Z')"));
          return 0;
        });
        break;
      case vt::string: break;
    }
  });
}

void to_string(kernel_io& io, vt from) {
  char buf[64];
  const operand& x = io.args[0];
  auto put = [&](string_writer& w, char* end) { w.add(std::string_view(buf, end - buf)); };
  switch (from) {
    case vt::int64:
      with_number_reader<std::int64_t>(x, [&](auto r) {
        fill_strings(io, io.rows * 8, [&](std::size_t i, string_writer& w) {
          put(w, std::to_chars(buf, buf + sizeof buf, r[i]).ptr);
        });
      });
      break;
    case vt::float64:
      with_number_reader<double>(x, [&](auto r) {
        fill_strings(io, io.rows * 8, [&](std::size_t i, string_writer& w) {
          put(w, std::to_chars(buf, buf + sizeof buf, r[i]).ptr);
        });
      });
      break;
    case vt::boolean:
      with_bool_reader(x, [&](auto r) {
        fill_strings(io, io.rows * 5,
                     [&](std::size_t i, string_writer& w) { w.add(r[i] ? "true" : "false"); });
      });
      break;
    case vt::timestamp:
      with_number_reader<std::int64_t>(x, [&](auto r) {
        fill_strings(io, io.rows * 24, [&](std::size_t i, string_writer& w) {
          w.add(std::string_view(buf, format_iso8601(r[i], buf)));
        });
      });
      break;
    case vt::string: break;
  }
}

// Between numbers, bools and timestamps (as their int64 microseconds).
void between_scalars(kernel_io& io, vt from, vt to) {
  const operand& x = io.args[0];
  if (to == vt::float64) {
    if (from == vt::boolean)
      with_bool_reader(
        x, [&](auto r) { fill_rows(io, io.out.doubles, [&](auto i) { return r[i] * 1.0; }); });
    else
      with_number_reader<double>(
        x, [&](auto r) { fill_rows(io, io.out.doubles, [&](auto i) { return r[i]; }); });
  } else if (to == vt::boolean) {
    with_number_reader<double>(x, [&](auto r) {
      fill_rows(io, io.out.bools, [&](auto i) -> std::uint8_t { return r[i] != 0; });
    });
  } else if (from == vt::boolean) {
    with_bool_reader(
      x, [&](auto r) { fill_rows(io, io.out.ints, [&](auto i) -> std::int64_t { return r[i]; }); });
  } else if (from == vt::float64) {
    with_number_reader<double>(x, [&](auto r) {
      fill_rows(io, io.out.ints, [&](auto i) {
        std::int64_t v = 0;
        if (!double_to_int(r[i], v)) {
          char buf[32];
          auto end = std::to_chars(buf, buf + sizeof buf, r[i]).ptr;
          io.fail(i, "cannot cast " + std::string(buf, end) + " to int: out of range");
        }
        return v;
      });
    });
  } else { // int64 <-> timestamp
    with_number_reader<std::int64_t>(
      x, [&](auto r) { fill_rows(io, io.out.ints, [&](auto i) { return r[i]; }); });
  }
}

} // namespace

bool can_cast(value_type from, value_type to) {
  if (from == to || from == vt::string || to == vt::string) return true;
  if (from == vt::timestamp) return to == vt::int64;
  if (to == vt::timestamp) return from == vt::int64;
  return true; // among int64, float64 and boolean
}

node_ptr make_cast(node_ptr x, value_type to) {
  vt from = x->type();
  if (is_untyped_null(x)) return make_null(to);
  if (from == to) return x;
  bool constant = x->constant() != nullptr;
  node_ptr n = make_call(to, {std::move(x)}, [from, to](kernel_io& io) {
    if (from == vt::string) from_string(io, to);
    else if (to == vt::string) to_string(io, from);
    else between_scalars(io, from, to);
  });
  return constant ? fold_constant(n) : n;
}

} // namespace sluice::core::expr
