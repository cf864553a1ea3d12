#include "sluice/observe/tap_stream.hpp"

#include "sluice/core/time.hpp"
#include "sluice/core/value_type.hpp"

namespace sluice::observe {

using nlohmann::json;

std::string sse_event(const std::string& name, const std::string& data) {
  return "event: " + name + "\ndata: " + data + "\n\n";
}

json tap_schema_json(const core::edge_tap& tap) {
  json fields = json::array();
  if (tap.schema())
    for (const auto& f : tap.schema()->fields())
      fields.push_back({{"name", f.name}, {"type", std::string(core::name_of(f.type))}});
  return {{"edge", tap.name()},  {"from", tap.from_node()}, {"port", tap.from_port()},
          {"to", tap.to_node()}, {"fields", fields},        {"filter", tap.filter()},
          {"rate", tap.rate()}};
}

json tap_status_json(const core::tap_status& s, const core::tap_records& counters,
                     std::uint64_t missed) {
  json out;
  out["watermark"] = s.watermark ? json(*s.watermark) : json(nullptr);
  out["watermark_time"] = s.watermark ? json(core::format_iso8601(*s.watermark)) : json(nullptr);
  out["queued"] = s.queued;
  out["capacity"] = s.capacity;
  out["queue_fill"] = s.fill();
  out["seen"] = counters.seen;
  out["sampled"] = counters.sampled;
  out["missed"] = missed;
  return out;
}

tap_stream::tap_stream(std::shared_ptr<core::edge_tap> tap, std::chrono::milliseconds status_every)
  : tap_(std::move(tap)), status_every_(status_every) {}

tap_stream::~tap_stream() { close(); }

void tap_stream::close() {
  if (tap_) tap_->close();
}

std::string tap_stream::next(bool closing) {
  if (done_) return {};
  std::string out;
  if (!started_) {
    started_ = true;
    out += sse_event("schema",
                     tap_schema_json(*tap_).dump(-1, ' ', false, json::error_handler_t::replace));
  }
  // Whether the run has ended is read before the last take, so records
  // sampled just before the end still go out ahead of `end`.
  auto status = tap_->status();
  const bool ending = closing || status.ended || tap_->closed();
  last_ = tap_->take(max_records_per_event);
  missed_ += last_.missed;
  if (!last_.records.empty()) {
    std::string data = "[";
    for (std::size_t i = 0; i < last_.records.size(); ++i) {
      if (i) data += ',';
      data += last_.records[i];
    }
    data += ']';
    out += sse_event("records", data);
  }
  auto now = std::chrono::steady_clock::now();
  if (ending || now - last_status_ >= status_every_) {
    last_status_ = now;
    out += sse_event("status", tap_status_json(status, last_, missed_).dump());
  }
  if (ending) {
    done_ = true;
    json end = {{"reason", closing        ? "the endpoint is closing"
                           : status.ended ? "the run has ended"
                                          : "the tap was closed"}};
    out += sse_event("end", end.dump());
  }
  return out;
}

} // namespace sluice::observe
