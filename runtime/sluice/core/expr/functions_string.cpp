// String functions: lower upper length substr concat trim ltrim rtrim
// replace regexp_match starts_with ends_with contains.

#include <atomic>

#include <re2/re2.h>

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/functions.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

std::atomic<std::size_t> compiled_patterns{0};

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// ASCII letters and Latin-1 letters (U+00C0-U+00FE, two bytes after 0xC3)
// change case; everything else is copied.
void change_case(kernel_io& io, bool to_upper) {
  with_string_reader(io.args[0], [&](auto s) {
    fill_strings(io, string_bytes(io, 0), [&](std::size_t i, string_writer& w) {
      std::string_view v = s[i];
      for (std::size_t k = 0; k < v.size(); ++k) {
        auto c = static_cast<unsigned char>(v[k]);
        if (to_upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')) {
          w.add(static_cast<char>(to_upper ? c - 32 : c + 32));
        } else if (c == 0xC3 && k + 1 < v.size()) {
          auto d = static_cast<unsigned char>(v[++k]);
          bool from_upper = d >= 0x80 && d <= 0x9E && d != 0x97;
          bool from_lower = d >= 0xA0 && d <= 0xBE && d != 0xB7;
          if (to_upper && from_lower) d = static_cast<unsigned char>(d - 0x20);
          else if (!to_upper && from_upper) d = static_cast<unsigned char>(d + 0x20);
          w.add(static_cast<char>(c));
          w.add(static_cast<char>(d));
        } else {
          w.add(static_cast<char>(c));
        }
      }
    });
  });
}

node_ptr one_string(call_site& site, vt result, void (*kernel)(kernel_io&)) {
  if (!site.accept(0, vt::string)) site.mismatch();
  return make_call(result, site.nodes(), kernel);
}

node_ptr build_lower(call_site& site) {
  return one_string(site, vt::string, [](kernel_io& io) { change_case(io, false); });
}

node_ptr build_upper(call_site& site) {
  return one_string(site, vt::string, [](kernel_io& io) { change_case(io, true); });
}

node_ptr build_length(call_site& site) {
  return one_string(site, vt::int64, [](kernel_io& io) {
    with_string_reader(io.args[0], [&](auto s) {
      fill_rows(io, io.out.ints, [&](std::size_t i) {
        std::int64_t n = 0;
        for (char c : s[i]) n += !is_continuation(c);
        return n;
      });
    });
  });
}

// Byte offset of the character `chars` characters into v (v.size() past the end).
std::size_t skip_chars(std::string_view v, std::int64_t chars, std::size_t from = 0) {
  std::size_t k = from;
  while (k < v.size() && chars > 0) {
    ++k;
    while (k < v.size() && is_continuation(v[k])) ++k;
    --chars;
  }
  return k;
}

// substr(s, start[, length]): characters start .. start+length-1 counted
// from 1, clipped to the string, as in SQL.
node_ptr build_substr(call_site& site) {
  bool has_length = site.args.size() == 3;
  if (!site.accept(0, vt::string) || !site.accept(1, vt::int64)
      || (has_length && !site.accept(2, vt::int64)))
    site.mismatch();
  return make_call(vt::string, site.nodes(), [has_length](kernel_io& io) {
    constexpr std::int64_t no_end = INT64_MAX;
    with_string_reader(io.args[0], [&](auto s) {
      with_number_reader<std::int64_t>(io.args[1], [&](auto start) {
        auto run = [&](auto length) {
          fill_strings(io, string_bytes(io, 0), [&](std::size_t i, string_writer& w) {
            std::int64_t first = start[i], len = length[i];
            if (len < 0)
              return io.fail(i, "substr() length must not be negative, got " + std::to_string(len));
            std::int64_t end = len == no_end || first > no_end - len ? no_end : first + len;
            if (first < 1) first = 1;
            if (end <= first) return;
            std::size_t b = skip_chars(s[i], first - 1);
            std::size_t e = end == no_end ? s[i].size() : skip_chars(s[i], end - first, b);
            w.add(s[i].substr(b, e - b));
          });
        };
        if (has_length) with_number_reader<std::int64_t>(io.args[2], run);
        else run(constant_reader<std::int64_t>{no_end});
      });
    });
  });
}

node_ptr build_concat(call_site& site) {
  std::vector<node_ptr> args;
  for (auto& a : site.args) args.push_back(make_cast(a.n, vt::string));
  return make_call(
    vt::string, std::move(args),
    [](kernel_io& io) {
      std::size_t hint = 0;
      for (std::size_t k = 0; k < io.args.size(); ++k) hint += string_bytes(io, k);
      fill_strings(io, hint, [&](std::size_t i, string_writer& w) {
        for (const auto& a : io.args)
          if (a.valid_at(i)) w.add(string_of(a, i));
      });
    },
    null_rule::kernel_decides);
}

enum class side { both, left, right };

// The character starting at byte k of v, as bytes.
std::string_view char_at(std::string_view v, std::size_t k) {
  std::size_t e = k + 1;
  while (e < v.size() && is_continuation(v[e])) ++e;
  return v.substr(k, e - k);
}

std::string_view trim_view(std::string_view v, std::string_view set, side where) {
  auto in_set = [&](std::string_view ch) { return set.find(ch) != std::string_view::npos; };
  if (where != side::right)
    while (!v.empty() && in_set(char_at(v, 0))) v.remove_prefix(char_at(v, 0).size());
  if (where != side::left)
    while (!v.empty()) {
      std::size_t k = v.size() - 1;
      while (k > 0 && is_continuation(v[k])) --k;
      if (!in_set(v.substr(k))) break;
      v = v.substr(0, k);
    }
  return v;
}

template <side where>
node_ptr build_trim(call_site& site) {
  bool has_set = site.args.size() == 2;
  if (!site.accept(0, vt::string) || (has_set && !site.accept(1, vt::string))) site.mismatch();
  return make_call(vt::string, site.nodes(), [has_set](kernel_io& io) {
    with_string_reader(io.args[0], [&](auto s) {
      auto run = [&](auto set) {
        fill_strings(io, string_bytes(io, 0), [&](std::size_t i, string_writer& w) {
          w.add(trim_view(s[i], set[i], where));
        });
      };
      if (has_set) with_string_reader(io.args[1], run);
      else run(constant_reader<std::string_view>{" \t\n\r"});
    });
  });
}

node_ptr build_replace(call_site& site) {
  for (std::size_t k = 0; k < 3; ++k)
    if (!site.accept(k, vt::string)) site.mismatch();
  return make_call(vt::string, site.nodes(), [](kernel_io& io) {
    with_string_reader(io.args[0], [&](auto s) {
      with_string_reader(io.args[1], [&](auto from) {
        with_string_reader(io.args[2], [&](auto to) {
          fill_strings(io, string_bytes(io, 0), [&](std::size_t i, string_writer& w) {
            std::string_view v = s[i], f = from[i];
            if (f.empty()) return w.add(v);
            for (std::size_t at; (at = v.find(f)) != std::string_view::npos;) {
              w.add(v.substr(0, at));
              w.add(to[i]);
              v.remove_prefix(at + f.size());
            }
            w.add(v);
          });
        });
      });
    });
  });
}

// Two strings to a bool, row by row.
template <class F>
node_ptr two_strings_to_bool(call_site& site, F test) {
  if (!site.accept(0, vt::string) || !site.accept(1, vt::string)) site.mismatch();
  return make_call(vt::boolean, site.nodes(), [test](kernel_io& io) {
    with_string_reader(io.args[0], [&](auto a) {
      with_string_reader(io.args[1], [&](auto b) {
        fill_rows(io, io.out.bools,
                  [&](std::size_t i) -> std::uint8_t { return test(a[i], b[i]); });
      });
    });
  });
}

node_ptr build_starts_with(call_site& site) {
  return two_strings_to_bool(
    site, [](std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; });
}

node_ptr build_ends_with(call_site& site) {
  return two_strings_to_bool(site, [](std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
  });
}

node_ptr build_contains(call_site& site) {
  return two_strings_to_bool(site, [](std::string_view s, std::string_view p) {
    return s.find(p) != std::string_view::npos;
  });
}

// regexp_match(s, pattern): RE2 partial match; the pattern is compiled once.
node_ptr build_regexp_match(call_site& site) {
  if (!site.accept(0, vt::string) || !site.accept(1, vt::string)) site.mismatch();
  const scalar* pattern = site.args[1].n->constant();
  if (!pattern) site.fail_at_arg(1, "regexp_match() needs a constant pattern (a 'string' literal)");
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern->s, options);
  ++compiled_patterns;
  if (!re->ok()) site.fail_at_arg(1, "invalid regular expression: " + re->error());
  std::vector<node_ptr> args{site.args[0].n};
  return make_call(vt::boolean, args, [re](kernel_io& io) {
    with_string_reader(io.args[0], [&](auto s) {
      fill_rows(io, io.out.bools, [&](std::size_t i) -> std::uint8_t {
        std::string_view v = s[i];
        return RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *re);
      });
    });
  });
}

} // namespace

std::size_t regex_compilations() { return compiled_patterns.load(); }

const std::vector<function_def>& string_functions() {
  static const std::vector<function_def> table = {
    {"lower", "lower(string) -> string", 1, 1, build_lower},
    {"upper", "upper(string) -> string", 1, 1, build_upper},
    {"length", "length(string) -> int", 1, 1, build_length},
    {"char_length", "char_length(string) -> int", 1, 1, build_length},
    {"substr", "substr(string, start int[, length int]) -> string", 2, 3, build_substr},
    {"substring", "substring(string, start int[, length int]) -> string", 2, 3, build_substr},
    {"concat", "concat(any, ...) -> string", 1, variadic, build_concat},
    {"trim", "trim(string[, characters string]) -> string", 1, 2, build_trim<side::both>},
    {"ltrim", "ltrim(string[, characters string]) -> string", 1, 2, build_trim<side::left>},
    {"rtrim", "rtrim(string[, characters string]) -> string", 1, 2, build_trim<side::right>},
    {"replace", "replace(string, from string, to string) -> string", 3, 3, build_replace},
    {"regexp_match", "regexp_match(string, pattern string constant) -> bool", 2, 2,
     build_regexp_match},
    {"starts_with", "starts_with(string, prefix string) -> bool", 2, 2, build_starts_with},
    {"ends_with", "ends_with(string, suffix string) -> bool", 2, 2, build_ends_with},
    {"contains", "contains(string, part string) -> bool", 2, 2, build_contains},
  };
  return table;
}

} // namespace sluice::core::expr
