#include "sluice/checkpoint/node_part.hpp"

#include "sluice/core/state.hpp"

namespace sluice::checkpoint {

namespace {

constexpr std::string_view magic = "SLUICE-PART";
constexpr std::uint64_t format = 1;

} // namespace

std::uint64_t node_part::in_flight_records() const {
  std::uint64_t n = 0;
  for (const auto& in : inputs)
    for (const auto& e : in.elements)
      if (e.data) n += e.data->rows();
  for (const auto& out : outputs) n += out.data->rows();
  return n;
}

std::string node_part::encode() const {
  auto p = encode_pieces();
  std::string out;
  out.reserve(p.size());
  out.append(p.head).append(p.state).append(p.tail);
  return out;
}

node_part::pieces node_part::encode_pieces() const {
  pieces out;
  core::state_writer head;
  head.str(magic);
  head.u64(format);
  head.str_head(operator_state.size());
  out.head = head.take();
  out.state = operator_state;
  core::state_writer w;
  w.count(inputs.size());
  for (const auto& in : inputs) {
    w.u64(in.port);
    w.u64(in.channel);
    w.count(in.elements.size());
    for (const auto& e : in.elements) {
      w.boolean(e.data != nullptr);
      if (e.data) w.batch(*e.data);
      else w.i64(e.watermark);
    }
  }
  w.count(outputs.size());
  for (const auto& out : outputs) {
    w.u64(out.port);
    w.str(out.to_node);
    w.u64(out.to_instance);
    w.batch(*out.data);
  }
  w.i64(output_watermark);
  out.tail = w.take();
  return out;
}

node_part node_part::decode(std::string_view bytes) {
  core::state_reader r(bytes);
  if (r.str() != magic) throw core::state_error("not a Sluice checkpoint part");
  auto version = r.u64();
  if (version != format)
    throw core::state_error("checkpoint part format " + std::to_string(version)
                            + " (this build reads " + std::to_string(format) + ")");
  node_part p;
  p.operator_state = r.str();
  auto inputs = r.count();
  for (std::size_t i = 0; i < inputs; ++i) {
    recorded_input in;
    in.port = static_cast<std::size_t>(r.u64());
    in.channel = static_cast<std::size_t>(r.u64());
    auto n = r.count();
    for (std::size_t k = 0; k < n; ++k) {
      recorded_input::element e;
      if (r.boolean()) e.data = r.batch();
      else e.watermark = r.i64();
      in.elements.push_back(std::move(e));
    }
    p.inputs.push_back(std::move(in));
  }
  auto outputs = r.count();
  for (std::size_t i = 0; i < outputs; ++i) {
    recorded_output out;
    out.port = static_cast<std::size_t>(r.u64());
    out.to_node = r.str();
    out.to_instance = static_cast<std::size_t>(r.u64());
    out.data = r.batch();
    p.outputs.push_back(std::move(out));
  }
  p.output_watermark = r.i64();
  if (!r.at_end())
    throw core::state_error("checkpoint part has " + std::to_string(bytes.size() - r.position())
                            + " bytes after its end");
  return p;
}

} // namespace sluice::checkpoint
