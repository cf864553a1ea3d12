#pragma once

// Text made from a record, for names a sink writes to: an MQTT topic
// `alerts/{device}`, a Redis key `sensor:{device}`, a file path
// `out/dt={ts:%Y-%m-%d}/part-{instance}.jsonl`.
//
// `{name}` is the field's value as text (core::append_text_value: a string
// as it is, a timestamp in ISO-8601, a null as nothing); `{name:FORMAT}`
// formats a timestamp field with strftime's conversions, in UTC;
// `{name:json}` is the value as JSON (a string quoted and escaped, a
// timestamp quoted ISO-8601, a number bare, a null as null), for JSON
// bodies built from a template; `{{` and
// `}}` are literal braces. Names the caller lists as `extras` are not
// fields: the caller fills them in when it renders (a file's `{instance}`).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::ops::connect {

class record_template {
public:
  record_template() = default;
  /// Parses `text` against `s`. Throws param_error(param) naming an unknown
  /// field, a format on a field that is not a timestamp, or a brace that is
  /// not closed.
  record_template(const std::string& param, const std::string& text, const core::schema& s,
                  const std::vector<std::string>& extras = {});

  /// Whether the text is the same for every record (no field in it).
  bool constant() const { return fields_.empty(); }
  /// Indexes into the schema of the fields used, in order of appearance.
  const std::vector<std::size_t>& fields() const { return fields_; }

  /// Appends the text for row `row` of `b`; `extra(i, out)` appends the
  /// value of extras[i].
  void render(const core::batch& b, std::size_t row, std::string& out,
              const std::function<void(std::size_t, std::string&)>& extra = {}) const;
  std::string render(const core::batch& b, std::size_t row) const {
    std::string out;
    render(b, row, out);
    return out;
  }

private:
  struct piece {
    enum class kind { literal, field, extra } what = kind::literal;
    std::string text;      ///< the literal, or a timestamp's strftime format
    std::size_t index = 0; ///< field index, or extras index
  };
  std::vector<piece> pieces_;
  std::vector<std::size_t> fields_;
};

} // namespace sluice::ops::connect
