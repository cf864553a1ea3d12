// s [NOT] LIKE pattern [ESCAPE 'c'].

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

// Bytes in the UTF-8 character starting with `lead` (1 for a stray byte).
std::size_t char_length(char lead) {
  auto c = static_cast<unsigned char>(lead);
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return 4;
}

// Whole-string match, backtracking only to the last %: linear for patterns
// with one %, O(|s| * |p|) at worst. `_` takes one UTF-8 character.
bool like_match(std::string_view s, std::string_view p, int escape) {
  std::size_t si = 0, pi = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  auto step = [&](std::size_t i) { return std::min(s.size(), i + char_length(s[i])); };
  while (si < s.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '%' && escape != '%') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      if (c == '_' && escape != '_') {
        si = step(si);
        ++pi;
        continue;
      }
      std::size_t lit = pi;
      if (escape >= 0 && c == static_cast<char>(escape) && pi + 1 < p.size()) lit = pi + 1;
      if (s[si] == p[lit]) {
        si += 1;
        pi = lit + 1;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    star_s = step(star_s);
    si = star_s;
  }
  while (pi < p.size() && p[pi] == '%' && escape != '%') ++pi;
  return pi == p.size();
}

// A constant pattern made of literal text and at most a leading and a
// trailing % is matched by equality, prefix, suffix or substring search.
struct plan {
  enum { general, exact, prefix, suffix, infix } kind = general;
  std::string text;
};

plan plan_for(std::string_view p, int escape) {
  plan out;
  if (escape == '%' || escape == '_') return out;
  bool lead = !p.empty() && p.front() == '%', trail = p.size() > 1 && p.back() == '%';
  std::string_view mid = p.substr(lead, p.size() - lead - trail);
  for (char c : mid)
    if (c == '%' || c == '_' || (escape >= 0 && c == static_cast<char>(escape))) return out;
  out.text = std::string(mid);
  out.kind = lead && trail ? plan::infix : lead ? plan::suffix : trail ? plan::prefix : plan::exact;
  return out;
}

bool run_plan(const plan& pl, std::string_view s) {
  std::string_view t = pl.text;
  switch (pl.kind) {
    case plan::exact: return s == t;
    case plan::prefix: return s.substr(0, t.size()) == t;
    case plan::suffix: return s.size() >= t.size() && s.substr(s.size() - t.size()) == t;
    case plan::infix: return s.find(t) != std::string_view::npos;
    case plan::general: break;
  }
  return false;
}

} // namespace

bool like_pattern_dangles(std::string_view pattern, int escape) {
  if (escape < 0) return false;
  char e = static_cast<char>(escape);
  for (std::size_t i = 0; i < pattern.size(); ++i)
    if (pattern[i] == e && ++i == pattern.size()) return true;
  return false;
}

node_ptr make_like(node_ptr s, node_ptr pattern, int escape, bool negated) {
  std::shared_ptr<const plan> fast;
  if (const scalar* p = pattern->constant())
    fast = std::make_shared<const plan>(plan_for(p->s, escape));
  auto kernel = [fast, escape, negated](kernel_io& io) {
    with_string_reader(io.args[0], [&](auto str) {
      if (fast && fast->kind != plan::general) {
        fill_rows(io, io.out.bools,
                  [&](auto i) -> std::uint8_t { return run_plan(*fast, str[i]) != negated; });
        return;
      }
      with_string_reader(io.args[1], [&](auto pat) {
        fill_rows(io, io.out.bools, [&](auto i) -> std::uint8_t {
          if (!fast && like_pattern_dangles(pat[i], escape)) {
            io.fail(i, "LIKE pattern " + quoted_value(pat[i]) + " ends with the escape character");
            return 0;
          }
          return like_match(str[i], pat[i], escape) != negated;
        });
      });
    });
  };
  bool constant = is_null_constant(s) || s->constant();
  constant = constant && (is_null_constant(pattern) || pattern->constant());
  node_ptr n = make_call(value_type::boolean, {std::move(s), std::move(pattern)}, kernel);
  return constant ? fold_constant(n) : n;
}

} // namespace sluice::core::expr
