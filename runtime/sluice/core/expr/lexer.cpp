#include "sluice/core/expr/lexer.hpp"

#include <charconv>

#include "sluice/core/expr/expression.hpp"

namespace sluice::core::expr {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

struct keyword {
  std::string_view spelling;
  token_kind kind;
};

constexpr keyword keywords[] = {
  {"and", token_kind::kw_and},         {"or", token_kind::kw_or},
  {"not", token_kind::kw_not},         {"true", token_kind::kw_true},
  {"false", token_kind::kw_false},     {"null", token_kind::kw_null},
  {"is", token_kind::kw_is},           {"in", token_kind::kw_in},
  {"between", token_kind::kw_between}, {"like", token_kind::kw_like},
  {"case", token_kind::kw_case},       {"when", token_kind::kw_when},
  {"then", token_kind::kw_then},       {"else", token_kind::kw_else},
  {"end", token_kind::kw_end},
};

token_kind keyword_or_identifier(std::string_view word) {
  for (const auto& k : keywords)
    if (equals_ignore_case(word, k.spelling)) return k.kind;
  return token_kind::identifier;
}

// Microseconds per unit of a duration literal, or 0 for no unit.
double duration_unit(std::string_view unit) {
  if (unit == "us") return 1;
  if (unit == "ms") return 1e3;
  if (unit == "s" || unit == "sec") return 1e6;
  if (unit == "m" || unit == "min") return 60e6;
  if (unit == "h") return 3600e6;
  if (unit == "d") return 86400e6;
  return 0;
}

// Reads a literal or name enclosed in `quote`, where a doubled quote stands
// for one. Returns the offset just past the closing quote.
std::size_t read_quoted(std::string_view text, std::size_t start, char quote, std::string& out,
                        const char* what) {
  std::size_t i = start + 1;
  for (;;) {
    if (i >= text.size()) fail_at(text, start, std::string("unterminated ") + what);
    if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        out += quote;
        i += 2;
        continue;
      }
      return i + 1;
    }
    out += text[i++];
  }
}

// A duration literal: the number in [start, unit_start), the unit up to `end`.
std::size_t read_duration(std::string_view text, std::size_t start, std::size_t unit_start,
                          std::size_t end, double unit, token& t) {
  double value = 0;
  std::from_chars(text.data() + start, text.data() + unit_start, value);
  double micros = value * unit + 0.5;
  if (!(micros < 9.2e18))
    fail_at(text, start,
            "duration " + std::string(text.substr(start, end - start)) + " is out of range");
  t.kind = token_kind::duration;
  t.int_value = static_cast<std::int64_t>(micros);
  return end;
}

// Reads an integer, real or duration literal starting at a digit.
std::size_t read_number(std::string_view text, std::size_t start, token& t) {
  std::size_t i = start;
  bool real = false;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i < text.size() && text[i] == '.') {
    real = true;
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  bool bad = false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    real = true;
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    if (j < text.size() && is_digit(text[j])) {
      while (j < text.size() && is_digit(text[j])) ++j;
      i = j;
    } else {
      bad = true;
    }
  }
  std::size_t unit_start = i;
  if (!bad && i < text.size() && is_name_start(text[i])) {
    std::size_t j = i;
    while (j < text.size() && is_name_char(text[j])) ++j;
    if (double unit = duration_unit(text.substr(i, j - i));
        unit != 0 && (j == text.size() || text[j] != '.'))
      return read_duration(text, start, unit_start, j, unit, t);
  }
  if (bad || (i < text.size() && (is_name_char(text[i]) || text[i] == '.'))) {
    while (i < text.size() && (is_name_char(text[i]) || text[i] == '.')) ++i;
    fail_at(text, start, "malformed number '" + std::string(text.substr(start, i - start)) + "'");
  }
  const char* first = text.data() + start;
  const char* last = text.data() + i;
  std::string spelled(first, last);
  if (real) {
    t.kind = token_kind::real;
    auto [ptr, ec] = std::from_chars(first, last, t.real_value);
    if (ec != std::errc() || ptr != last)
      fail_at(text, start, "number " + spelled + " is out of range");
  } else {
    t.kind = token_kind::integer;
    auto [ptr, ec] = std::from_chars(first, last, t.int_value);
    if (ec != std::errc() || ptr != last)
      fail_at(text, start, "integer " + spelled + " is out of range (int64)");
  }
  return i;
}

// Operators made of punctuation; returns 0 when `text[i]` starts none.
std::size_t read_operator(std::string_view text, std::size_t i, token_kind& kind) {
  char c = text[i];
  char next = i + 1 < text.size() ? text[i + 1] : '\0';
  switch (c) {
    case '(': kind = token_kind::lparen; return 1;
    case ')': kind = token_kind::rparen; return 1;
    case ',': kind = token_kind::comma; return 1;
    case '|':
      if (next != '|') return 0;
      kind = token_kind::concat;
      return 2;
    case '+': kind = token_kind::plus; return 1;
    case '-': kind = token_kind::minus; return 1;
    case '*': kind = token_kind::star; return 1;
    case '/': kind = token_kind::slash; return 1;
    case '%': kind = token_kind::percent; return 1;
    case '=': kind = token_kind::eq; return next == '=' ? 2 : 1;
    case '!':
      if (next != '=') return 0;
      kind = token_kind::ne;
      return 2;
    case '<':
      if (next == '=') {
        kind = token_kind::le;
        return 2;
      }
      if (next == '>') {
        kind = token_kind::ne;
        return 2;
      }
      kind = token_kind::lt;
      return 1;
    case '>':
      if (next == '=') {
        kind = token_kind::ge;
        return 2;
      }
      kind = token_kind::gt;
      return 1;
    default: return 0;
  }
}

} // namespace

std::size_t column_of(std::string_view text, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  if (offset > text.size()) column += offset - text.size();
  return column;
}

void fail_at(std::string_view text, std::size_t offset, const std::string& message) {
  throw expression_error(column_of(text, offset), message);
}

bool equals_ignore_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool is_reserved(token_kind k) {
  for (const auto& kw : keywords)
    if (kw.kind == k) return true;
  return false;
}

std::string describe(const token& t) {
  if (t.kind == token_kind::end) return "end of expression";
  return "'" + std::string(t.spelling) + "'";
}

std::vector<token> tokenize(std::string_view text) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    token t;
    t.offset = i;
    std::size_t end = i;
    if (is_name_start(c)) {
      while (end < text.size() && is_name_char(text[end])) ++end;
      t.kind = keyword_or_identifier(text.substr(i, end - i));
      t.text = std::string(text.substr(i, end - i));
    } else if (c == '"') {
      t.kind = token_kind::identifier;
      end = read_quoted(text, i, '"', t.text, "quoted field name");
      if (t.text.empty()) fail_at(text, i, "empty field name");
    } else if (c == '\'') {
      t.kind = token_kind::string;
      end = read_quoted(text, i, '\'', t.text, "string");
    } else if (is_digit(c)) {
      end = read_number(text, i, t);
    } else if (std::size_t n = read_operator(text, i, t.kind)) {
      end = i + n;
    } else {
      // Show the whole UTF-8 character, not just its first byte.
      end = i + 1;
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
      fail_at(text, i, "unexpected character '" + std::string(text.substr(i, end - i)) + "'");
    }
    t.spelling = text.substr(i, end - i);
    out.push_back(std::move(t));
    i = end;
  }
  token last;
  last.offset = text.size();
  out.push_back(std::move(last));
  return out;
}

} // namespace sluice::core::expr
