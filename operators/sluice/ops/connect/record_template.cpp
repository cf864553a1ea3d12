#include "sluice/ops/connect/record_template.hpp"

#include <cmath>
#include <ctime>

#include "sluice/core/errors.hpp"
#include "sluice/core/record_format.hpp"

namespace sluice::ops::connect {

namespace {

constexpr const char* json_format = "json";

/// The value as JSON: a string or timestamp quoted and escaped, a number or
/// boolean bare, a null (or a NaN, an infinity) as null.
void append_json_value(const core::column& c, std::size_t row, std::string& out) {
  if (c.is_null(row)) {
    out += "null";
    return;
  }
  switch (c.type()) {
    case core::value_type::string:
      out += '"';
      core::append_json_escaped(c.string_at(row), out);
      out += '"';
      return;
    case core::value_type::timestamp:
      out += '"';
      core::append_iso8601(c.ints[row], out);
      out += '"';
      return;
    case core::value_type::float64:
      if (!std::isfinite(c.doubles[row])) {
        out += "null";
        return;
      }
      break;
    default: break;
  }
  core::append_text_value(c, row, out);
}

} // namespace

record_template::record_template(const std::string& param, const std::string& text,
                                 const core::schema& s, const std::vector<std::string>& extras) {
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) pieces_.push_back({piece::kind::literal, std::move(literal), 0});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      throw core::param_error(param, "a '}' at position " + std::to_string(i)
                                       + " closes nothing (write '}}' for a brace)");
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string::npos)
      throw core::param_error(param, "the '{' at position " + std::to_string(i)
                                       + " is not closed (write '{{' for a brace)");
    std::string inside = text.substr(i + 1, close - i - 1);
    std::string name = inside, format;
    if (auto colon = inside.find(':'); colon != std::string::npos) {
      name = inside.substr(0, colon);
      format = inside.substr(colon + 1);
    }
    flush();
    bool found = false;
    for (std::size_t e = 0; e < extras.size() && !found; ++e)
      if (extras[e] == name) {
        if (!format.empty()) throw core::param_error(param, "{" + name + "} takes no format");
        pieces_.push_back({piece::kind::extra, {}, e});
        found = true;
      }
    if (!found) {
      int f = s.index_of(name);
      if (f < 0) {
        std::string known;
        for (const auto& fld : s.fields()) known += (known.empty() ? "" : ", ") + fld.name;
        for (const auto& e : extras) known += (known.empty() ? "" : ", ") + e;
        throw core::param_error(param, "{" + name + "} names no field (known: " + known + ")");
      }
      if (!format.empty() && format != json_format
          && s.fields()[static_cast<std::size_t>(f)].type != core::value_type::timestamp)
        throw core::param_error(param, "{" + inside
                                         + "}: only a timestamp field takes a time format (any "
                                           "field takes :json)");
      pieces_.push_back({piece::kind::field, format, static_cast<std::size_t>(f)});
      fields_.push_back(static_cast<std::size_t>(f));
    }
    i = close;
  }
  flush();
}

void record_template::render(const core::batch& b, std::size_t row, std::string& out,
                             const std::function<void(std::size_t, std::string&)>& extra) const {
  for (const auto& p : pieces_) {
    switch (p.what) {
      case piece::kind::literal: out += p.text; break;
      case piece::kind::extra:
        if (extra) extra(p.index, out);
        break;
      case piece::kind::field: {
        const core::column& c = b.col(p.index);
        if (p.text == json_format) {
          append_json_value(c, row, out);
          break;
        }
        if (p.text.empty() || c.is_null(row)) {
          core::append_text_value(c, row, out);
          break;
        }
        // timestamps are microseconds since the epoch (core/time.hpp)
        std::int64_t us = c.ints[row];
        std::time_t seconds =
          static_cast<std::time_t>(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
        std::tm tm{};
        gmtime_r(&seconds, &tm);
        char buf[256];
        auto n = std::strftime(buf, sizeof buf, p.text.c_str(), &tm);
        out.append(buf, n);
        break;
      }
    }
  }
}

} // namespace sluice::ops::connect
