#include "sluice/ops/dashboard/dashboard_state.hpp"

#include <algorithm>
#include <cmath>

#include "sluice/core/errors.hpp"
#include "sluice/core/record_format.hpp"

namespace sluice::ops::dashboard {

using core::value_type;
using nlohmann::json;

chart_kind parse_chart(const std::string& text) {
  if (text == "table") return chart_kind::table;
  if (text == "line") return chart_kind::line;
  if (text == "bar") return chart_kind::bar;
  if (text == "number") return chart_kind::number;
  throw core::param_error("chart", "must be table, line, bar or number (got '" + text + "')");
}

const char* name_of(chart_kind c) {
  switch (c) {
    case chart_kind::table: return "table";
    case chart_kind::line: return "line";
    case chart_kind::bar: return "bar";
    case chart_kind::number: return "number";
  }
  return "table";
}

std::size_t default_history(chart_kind c) {
  switch (c) {
    case chart_kind::table: return 50;
    case chart_kind::line: return 300;
    case chart_kind::bar: return 20;
    case chart_kind::number: return 60;
  }
  return 50;
}

json json_value(const core::column& c, std::size_t row, std::size_t max_bytes) {
  if (c.is_null(row)) return nullptr;
  switch (c.type()) {
    case value_type::int64: return c.ints[row];
    case value_type::float64: {
      const double v = c.doubles[row];
      return std::isfinite(v) ? json(v) : json(nullptr);
    }
    case value_type::boolean: return c.bools[row] != 0;
    case value_type::timestamp: {
      std::string s;
      core::append_iso8601(c.ints[row], s);
      return s;
    }
    case value_type::string: {
      std::string_view s = c.string_at(row);
      bool cut = false;
      if (s.size() > max_bytes) {
        s = s.substr(0, max_bytes);
        // not in the middle of a UTF-8 sequence
        while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80)
          s.remove_suffix(1);
        if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.remove_suffix(1);
        cut = true;
      }
      // append_json_escaped makes the text valid UTF-8; parse it back.
      std::string quoted = "\"";
      core::append_json_escaped(s, quoted);
      if (cut) quoted += "\xE2\x80\xA6";
      quoted += '"';
      return json::parse(quoted);
    }
  }
  return nullptr;
}

namespace {

/// A numeric cell as a double; nullopt for null, NaN or infinite.
std::optional<double> number_at(const core::column& c, std::size_t row) {
  if (c.is_null(row)) return std::nullopt;
  double v = 0;
  if (c.type() == value_type::int64) v = static_cast<double>(c.ints[row]);
  else if (c.type() == value_type::float64) v = c.doubles[row];
  else return std::nullopt;
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

} // namespace

dashboard_state::dashboard_state(dashboard_config cfg) : cfg_(std::move(cfg)) {}

void dashboard_state::add(const core::batch& b, std::int64_t now_ms) {
  if (b.rows() == 0) return;
  std::lock_guard<std::mutex> guard(mutex_);
  switch (cfg_.chart) {
    case chart_kind::table: add_table(b); break;
    case chart_kind::line: add_line(b, now_ms); break;
    case chart_kind::bar: add_bar(b); break;
    case chart_kind::number: add_number(b, now_ms); break;
  }
  records_ += b.rows();
  last_record_ms_ = now_ms;
  ++version_;
}

void dashboard_state::finish(bool ended, std::int64_t now_ms) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (!finished_.empty()) return;
  finished_ = ended ? "ended" : "stopped";
  finished_ms_ = now_ms;
  ++version_;
}

std::uint64_t dashboard_state::version() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return version_;
}

std::int64_t dashboard_state::time_of(const core::batch& b, std::size_t row,
                                      std::int64_t now_ms) const {
  if (!cfg_.time_at) return now_ms;
  const core::column& c = b.col(*cfg_.time_at);
  if (c.is_null(row)) return now_ms;
  // microseconds to milliseconds, rounding down also before 1970
  const std::int64_t us = c.ints[row];
  return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

std::string dashboard_state::key_of(const core::batch& b, std::size_t row) const {
  if (!cfg_.key_at) return "";
  const core::column& c = b.col(*cfg_.key_at);
  if (c.is_null(row)) return "null";
  std::string out;
  core::append_text_value(c, row, out);
  if (out.size() > max_text_bytes) out.resize(max_text_bytes);
  return out;
}

// Only the last `history` rows of a batch can stay: the others are not read.
void dashboard_state::add_table(const core::batch& b) {
  const std::size_t n = b.rows();
  const std::size_t first = n > cfg_.history ? n - cfg_.history : 0;
  for (std::size_t r = first; r < n; ++r) {
    std::vector<json> row;
    row.reserve(cfg_.field_at.size());
    for (std::size_t c : cfg_.field_at) row.push_back(json_value(b.col(c), r, max_text_bytes));
    rows_.push_back(std::move(row));
    if (rows_.size() > cfg_.history) rows_.pop_front();
  }
}

void dashboard_state::add_line(const core::batch& b, std::int64_t now_ms) {
  for (std::size_t r = 0; r < b.rows(); ++r) {
    const std::int64_t t = time_of(b, r, now_ms);
    const std::string key = key_of(b, r);
    for (std::size_t f = 0; f < cfg_.field_at.size(); ++f) {
      const auto v = number_at(b.col(cfg_.field_at[f]), r);
      if (!v) continue;
      const std::string name = cfg_.key_at ? key + "\x1f" + cfg_.fields[f] : cfg_.fields[f];
      auto it = series_.find(name);
      if (it == series_.end()) {
        if (series_.size() >= max_series) {
          auto oldest = std::min_element(series_.begin(), series_.end(), [](auto& a, auto& b) {
            return a.second.touched < b.second.touched;
          });
          series_.erase(oldest);
        }
        it = series_.emplace(name, series{key, cfg_.fields[f], {}, 0}).first;
      }
      auto& s = it->second;
      s.points.push_back({t, *v});
      if (s.points.size() > cfg_.history) s.points.pop_front();
      s.touched = ++touches_;
    }
  }
}

void dashboard_state::add_bar(const core::batch& b) {
  for (std::size_t r = 0; r < b.rows(); ++r) {
    std::string key = key_of(b, r);
    auto it = bars_.find(key);
    if (it == bars_.end()) {
      if (bars_.size() >= cfg_.history) {
        auto oldest = std::min_element(bars_.begin(), bars_.end(), [](auto& a, auto& b) {
          return a.second.touched < b.second.touched;
        });
        bars_.erase(oldest);
      }
      it = bars_.emplace(std::move(key), bar{}).first;
    }
    auto& entry = it->second;
    entry.values.clear();
    for (std::size_t c : cfg_.field_at) {
      const auto v = number_at(b.col(c), r);
      entry.values.push_back(v ? json(*v) : json(nullptr));
    }
    entry.touched = ++touches_;
  }
}

void dashboard_state::add_number(const core::batch& b, std::int64_t now_ms) {
  const std::size_t n = b.rows();
  const std::size_t first = n > cfg_.history ? n - cfg_.history : 0;
  for (std::size_t r = first; r < n; ++r) {
    const auto v = number_at(b.col(cfg_.field_at.front()), r);
    if (!v) continue;
    trend_.push_back({time_of(b, r, now_ms), *v});
    if (trend_.size() > cfg_.history) trend_.pop_front();
  }
}

std::string dashboard_state::status_locked(std::int64_t now_ms) const {
  if (!finished_.empty()) return finished_;
  if (last_record_ms_ == 0) return "waiting";
  return now_ms - last_record_ms_ >= stall_after_ms ? "stalled" : "live";
}

json dashboard_state::to_json(std::int64_t now_ms) const {
  std::lock_guard<std::mutex> guard(mutex_);
  json out;
  out["title"] = cfg_.title;
  out["chart"] = name_of(cfg_.chart);
  out["fields"] = cfg_.fields;
  out["key"] = cfg_.key;
  out["time_field"] = cfg_.time_field;
  out["history"] = cfg_.history;
  out["status"] = status_locked(now_ms);
  out["records"] = records_;
  out["last_record_ms"] = last_record_ms_ ? json(last_record_ms_) : json(nullptr);
  out["finished_ms"] = finished_ms_ ? json(finished_ms_) : json(nullptr);
  out["now_ms"] = now_ms;
  out["version"] = version_;
  switch (cfg_.chart) {
    case chart_kind::table: {
      json rows = json::array();
      for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) rows.push_back(*it);
      out["rows"] = std::move(rows); // newest first
      break;
    }
    case chart_kind::line: {
      json all = json::array();
      for (const auto& [name, s] : series_) {
        json points = json::array();
        for (const auto& p : s.points) points.push_back({p.t_ms, p.v});
        const std::string label =
          cfg_.key_at ? (cfg_.fields.size() > 1 ? s.key + " " + s.field : s.key) : s.field;
        all.push_back({{"name", label}, {"key", s.key}, {"field", s.field}, {"points", points}});
      }
      out["series"] = std::move(all);
      break;
    }
    case chart_kind::bar: {
      // largest first by the first field: the order a top-k reads in
      std::vector<const std::pair<const std::string, bar>*> order;
      for (const auto& kv : bars_) order.push_back(&kv);
      auto first = [](const auto* e) {
        const auto& v = e->second.values;
        return !v.empty() && v[0].is_number() ? v[0].template get<double>() : -INFINITY;
      };
      std::stable_sort(order.begin(), order.end(),
                       [&](const auto* a, const auto* b) { return first(a) > first(b); });
      json bars = json::array();
      for (const auto* e : order) bars.push_back({{"key", e->first}, {"values", e->second.values}});
      out["bars"] = std::move(bars);
      break;
    }
    case chart_kind::number: {
      json points = json::array();
      for (const auto& p : trend_) points.push_back({p.t_ms, p.v});
      out["field"] = cfg_.fields.front();
      out["value"] = trend_.empty() ? json(nullptr) : json(trend_.back().v);
      out["previous"] = trend_.size() < 2 ? json(nullptr) : json(trend_[trend_.size() - 2].v);
      out["points"] = std::move(points);
      break;
    }
  }
  return out;
}

dashboard_state::published_text dashboard_state::publish(std::int64_t now_ms) {
  std::lock_guard<std::mutex> guard(publish_mutex_);
  std::uint64_t version;
  std::string status;
  {
    std::lock_guard<std::mutex> state_guard(mutex_);
    version = version_;
    status = status_locked(now_ms);
  }
  const bool first = published_.sequence == 0;
  const bool changed = version != published_version_ && now_ms - published_ms_ >= publish_every_ms;
  if (first || changed || status != published_status_) {
    published_.text = to_json(now_ms).dump(-1, ' ', false, json::error_handler_t::replace);
    ++published_.sequence;
    published_version_ = version;
    published_ms_ = now_ms;
    published_status_ = status;
  }
  return published_;
}

} // namespace sluice::ops::dashboard
