#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "sluice/exec/output_router.hpp"
#include "sluice/exec/protocol.hpp"

using namespace sluice;

namespace {

using ask_atom = caf::atom_constant<caf::atom("ask")>;
using go_atom = caf::atom_constant<caf::atom("go")>;

/// What a downstream instance receives on one slot, in order: "batch" (a
/// batch alone), "batch+wm" (a watermark riding on it) or "wm".
struct received {
  std::vector<std::string> messages;
};

caf::behavior recorder(caf::event_based_actor*, std::shared_ptr<received> r) {
  return {
    [r](exec::batch_atom, std::uint32_t, const core::batch_ptr&, core::timestamp wm) {
      r->messages.push_back(wm == core::min_timestamp ? "batch" : "batch+wm");
    },
    [r](exec::watermark_atom, std::uint32_t, core::timestamp) { r->messages.push_back("wm"); },
    [r](ask_atom) { return r->messages.size(); },
  };
}

core::batch_ptr rows(std::size_t n) {
  core::batch_builder b(core::make_schema({{"n", core::value_type::int64}}));
  for (std::size_t i = 0; i < n; ++i) b.column_at(0).append_int(static_cast<std::int64_t>(i));
  return b.finish();
}

/// An upstream instance with one channel to `target` and plenty of credit:
/// on `go` it does what a source's poll does (a batch, then a watermark),
/// then a callback that emits only a watermark.
caf::behavior sender(caf::event_based_actor* self, caf::actor target) {
  auto router = std::make_shared<std::unique_ptr<exec::output_router>>();
  return {[self, target, router](go_atom) {
    exec::out_channel c;
    c.target = target;
    c.capacity = 1 << 20;
    exec::out_link link;
    link.channels = {0};
    *router = std::make_unique<exec::output_router>(
      self, std::vector<std::vector<exec::out_link>>{{link}, {}}, std::vector<exec::out_channel>{c},
      1000, nullptr);
    auto& r = **router;
    r.add_credit(0, 1 << 20); // the receiver has started
    r.emit(0, rows(1000));
    r.watermark(10);
    r.flush_control(); // end of the first callback
    r.watermark(20);
    r.flush_control(); // a callback with a watermark and no data
    r.emit(0, rows(600));
    r.flush_control(); // data without a new watermark
  }};
}

} // namespace

TEST_CASE("a watermark rides on the batch it follows and goes alone only without one") {
  caf::actor_system_config cfg;
  cfg.add_message_type<core::batch_ptr>("sluice::batch_ptr");
  caf::actor_system sys{cfg};
  auto got = std::make_shared<received>();
  auto down = sys.spawn(recorder, got);
  auto up = sys.spawn(sender, down);
  caf::scoped_actor self{sys};
  self->send(up, go_atom::value);
  // Wait until the three messages have arrived (the actors run on their own).
  std::size_t n = 0;
  for (int tries = 0; tries < 500 && n < 3; ++tries) {
    self->request(down, caf::infinite, ask_atom::value)
      .receive([&](std::size_t k) { n = k; }, [](caf::error&) {});
    if (n < 3) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(got->messages == std::vector<std::string>{"batch+wm", "wm", "batch"});
  self->send_exit(up, caf::exit_reason::user_shutdown);
  self->send_exit(down, caf::exit_reason::user_shutdown);
}
