#include "sluice/checkpoint/resume_plan.hpp"

#include <algorithm>
#include <unordered_map>

#include "sluice/core/time.hpp"

namespace sluice::checkpoint {

namespace {

using core::pipeline::checked_pipeline;
using core::pipeline::node_spec;
using core::pipeline::pipeline_document;

constexpr std::size_t max_value_text = 60;

/// What a run with these params uses for `spec`: the value as written, or
/// the default (null when there is none).
const nlohmann::json& effective(const core::property_spec& spec, const nlohmann::json& params) {
  if (params.is_object())
    if (auto it = params.find(spec.name); it != params.end()) return *it;
  return spec.default_value;
}

/// Equal as the operator would read them: "1m" and "60s" are one duration
/// (also in a json param such as a window's size), timestamps compare by the
/// instant they name.
bool same_value(const core::property_spec& spec, const nlohmann::json& a, const nlohmann::json& b) {
  if (a == b) return true;
  if (!a.is_string() || !b.is_string()) return false;
  const auto& x = a.get_ref<const std::string&>();
  const auto& y = b.get_ref<const std::string&>();
  if (spec.type == core::param_type::timestamp) {
    auto tx = core::parse_iso8601(x), ty = core::parse_iso8601(y);
    return tx && ty && *tx == *ty;
  }
  if (spec.type == core::param_type::duration || spec.type == core::param_type::json) {
    auto dx = core::parse_duration(x), dy = core::parse_duration(y);
    return dx && dy && *dx == *dy;
  }
  return false;
}

std::string value_text(const core::property_spec& spec, const nlohmann::json& v) {
  if (v.is_null()) return "(not set)";
  if (spec.type == core::param_type::secret) return core::secret_mask;
  auto text = v.dump();
  if (text.size() > max_value_text) text = text.substr(0, max_value_text - 3) + "...";
  return text;
}

/// A document's nodes by id and each node's incoming edges, so a plan over
/// a pipeline of hundreds of nodes stays linear.
class graph_index {
public:
  explicit graph_index(const pipeline_document& doc) {
    for (const auto& n : doc.nodes) nodes_.emplace(n.id, &n);
    for (const auto& e : doc.edges) incoming_[e.to.node].push_back(&e);
  }

  const node_spec* node(const std::string& id) const {
    auto it = nodes_.find(id);
    return it == nodes_.end() ? nullptr : it->second;
  }

  /// Per input port, how many channels feed each instance of node `id` (as
  /// exec's planner wires them): a forward edge between equal parallelisms
  /// is one channel, any other edge one per upstream instance. Ports are
  /// numbered by `desc`, the node's kind in both documents.
  std::vector<std::size_t> channels_per_port(const std::string& id,
                                             const core::descriptor& desc) const {
    std::vector<std::size_t> out(desc.inputs.size(), 0);
    const node_spec* to = node(id);
    auto in = incoming_.find(id);
    if (!to || in == incoming_.end()) return out;
    for (const auto* e : in->second) {
      int port = e->to.port.empty() ? 0 : desc.input_index(e->to.port);
      const node_spec* from = node(e->from.node);
      if (port < 0 || static_cast<std::size_t>(port) >= out.size() || !from) continue;
      bool forward = e->partition.empty() || e->partition == "forward";
      bool one_to_one = forward && from->parallelism == to->parallelism;
      out[static_cast<std::size_t>(port)] +=
        one_to_one ? 1 : static_cast<std::size_t>(std::max<std::int64_t>(from->parallelism, 0));
    }
    return out;
  }

private:
  std::unordered_map<std::string, const node_spec*> nodes_;
  std::unordered_map<std::string, std::vector<const core::pipeline::edge_spec*>> incoming_;
};

std::uint64_t bytes_of(const node_state& s) {
  std::uint64_t total = 0;
  for (auto b : s.instance_bytes) total += b;
  return total;
}

/// Why node `now` (of `next`) cannot take the state `was` left in the
/// checkpoint whose pipeline is `before`; empty when it can.
std::vector<std::string> incompatibilities(const node_state& was, const graph_index& before,
                                           const core::pipeline::resolved_node& now,
                                           const graph_index& after) {
  std::vector<std::string> why;
  const node_spec& spec = *now.spec;
  if (was.kind != spec.kind) {
    why.push_back("kind changed from " + was.kind + " to " + spec.kind);
    return why;
  }
  if (static_cast<std::int64_t>(was.parallelism) != spec.parallelism)
    why.push_back("parallelism changed from " + std::to_string(was.parallelism) + " to "
                  + std::to_string(spec.parallelism) + ": state is kept per instance");
  if (!now.desc) return why;
  auto had = before.channels_per_port(spec.id, *now.desc);
  auto has = after.channels_per_port(spec.id, *now.desc);
  for (std::size_t port = 0; port < has.size(); ++port) {
    if (had[port] == has[port] || static_cast<std::int64_t>(was.parallelism) != spec.parallelism)
      continue;
    why.push_back("input '" + now.desc->inputs[port].name + "' has " + std::to_string(has[port])
                  + " channel" + (has[port] == 1 ? "" : "s") + " per instance, had "
                  + std::to_string(had[port])
                  + ": progress and records in flight are kept per channel");
  }
  const nlohmann::json no_params = nlohmann::json::object();
  const node_spec* before_spec = before.node(spec.id);
  const auto& old_params = before_spec ? before_spec->params : no_params;
  for (const auto& p : now.desc->properties) {
    if (!p.shapes_state) continue;
    const auto& a = effective(p, old_params);
    const auto& b = effective(p, spec.params);
    if (same_value(p, a, b)) continue;
    why.push_back("param '" + p.name + "' changed from " + value_text(p, a) + " to "
                  + value_text(p, b));
  }
  return why;
}

} // namespace

const char* name_of(node_fate f) {
  switch (f) {
    case node_fate::restored: return "restored";
    case node_fate::added: return "new";
    case node_fate::removed: return "removed";
    case node_fate::incompatible: return "incompatible";
    case node_fate::reset: return "reset";
  }
  return "?";
}

bool resume_plan::refused() const {
  return std::any_of(nodes.begin(), nodes.end(),
                     [](const node_resume& n) { return n.fate == node_fate::incompatible; });
}

std::vector<std::string> resume_plan::refused_nodes() const {
  std::vector<std::string> out;
  for (const auto& n : nodes)
    if (n.fate == node_fate::incompatible) out.push_back(n.id);
  return out;
}

std::set<std::string> resume_plan::reset_nodes() const {
  std::set<std::string> out;
  for (const auto& n : nodes)
    if (n.fate == node_fate::reset) out.insert(n.id);
  return out;
}

const node_resume* resume_plan::find(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

std::string resume_plan::to_text() const {
  std::size_t width = 0;
  for (const auto& n : nodes) width = std::max(width, n.id.size());
  std::string out;
  for (const auto& n : nodes) {
    out += "  " + n.id + std::string(width - n.id.size() + 2, ' ');
    std::string reasons;
    for (const auto& r : n.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
    switch (n.fate) {
      case node_fate::restored: out += "state restored"; break;
      case node_fate::added: out += "new node (no state)"; break;
      case node_fate::removed: out += "node removed (state dropped)"; break;
      case node_fate::incompatible:
        out += "incompatible: " + reasons + " (use --reset-state " + n.id + ")";
        break;
      case node_fate::reset:
        out += "state reset" + (reasons.empty() ? std::string(" (asked)") : " (" + reasons + ")");
        break;
    }
    out += "\n";
  }
  return out;
}

nlohmann::json resume_plan::to_json() const {
  auto list = nlohmann::json::array();
  for (const auto& n : nodes)
    list.push_back({{"id", n.id},
                    {"kind", n.kind},
                    {"status", name_of(n.fate)},
                    {"reasons", n.reasons},
                    {"state_bytes", n.state_bytes}});
  return {{"checkpoint", checkpoint_id}, {"refused", refused()}, {"nodes", std::move(list)}};
}

resume_plan plan_resume(const checkpoint_info& info, const checked_pipeline& next,
                        const std::set<std::string>& reset) {
  const std::string name = "checkpoint " + std::to_string(info.id);
  pipeline_document before;
  try {
    before = pipeline_document::from_json(info.pipeline);
  } catch (const core::pipeline::document_error& e) {
    throw resume_error(name + ": the pipeline it was taken from is damaged: " + e.what());
  }
  const graph_index before_index(before), next_index(next.doc);
  for (const auto& s : info.nodes)
    if (!before_index.node(s.id))
      throw resume_error(name + " is damaged: it holds state for node '" + s.id
                         + "', which its pipeline does not have");
  for (const auto& id : reset) {
    if (next_index.node(id)) continue;
    std::string known;
    for (const auto& n : next.doc.nodes) known += (known.empty() ? "" : ", ") + n.id;
    throw resume_error("cannot reset the state of '" + id + "': the pipeline has no such node"
                       + (known.empty() ? "" : " (its nodes: " + known + ")"));
  }
  std::unordered_map<std::string, const node_state*> held;
  for (const auto& s : info.nodes) held.emplace(s.id, &s);

  resume_plan plan;
  plan.checkpoint_id = info.id;
  for (std::size_t i = 0; i < next.doc.nodes.size(); ++i) {
    const node_spec& spec = next.doc.nodes[i];
    node_resume r;
    r.id = spec.id;
    r.kind = spec.kind;
    auto was = held.find(spec.id);
    if (was == held.end()) {
      r.fate = node_fate::added;
      plan.nodes.push_back(std::move(r));
      continue;
    }
    r.state_bytes = bytes_of(*was->second);
    core::pipeline::resolved_node now;
    if (i < next.nodes.size()) now = next.nodes[i];
    now.spec = &spec;
    r.reasons = incompatibilities(*was->second, before_index, now, next_index);
    if (reset.count(spec.id)) r.fate = node_fate::reset;
    else r.fate = r.reasons.empty() ? node_fate::restored : node_fate::incompatible;
    plan.nodes.push_back(std::move(r));
  }
  for (const auto& s : info.nodes) {
    if (next_index.node(s.id)) continue;
    node_resume r;
    r.id = s.id;
    r.kind = s.kind;
    r.fate = node_fate::removed;
    r.state_bytes = bytes_of(s);
    plan.nodes.push_back(std::move(r));
  }
  return plan;
}

std::optional<checkpoint_info> resume_point(const store& s) {
  if (s.finished()) return std::nullopt;
  return s.latest();
}

} // namespace sluice::checkpoint
