#pragma once

// The event loop the baseline's queries share: the generator of
// source.nexmark, one instance, events in emission order.

#include <cstdint>
#include <type_traits>

#include "sluice/ops/source/nexmark_generator.hpp"

namespace nexmark_baseline {

namespace nx = sluice::ops::source::nexmark;

inline constexpr std::int64_t us_per_ms = 1000;
inline constexpr std::int64_t sec = 1000000; // µs

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct run_state {
  /// The fields each query reads, per kind (bit i = field i of the struct,
  /// as in the `fields` param of the query's source.nexmark node).
  std::uint32_t person_fields = ~0u, auction_fields = ~0u, bid_fields = ~0u;
  nx::generator gen;
  nx::emission_order order;
  run_state(const nx::config& cfg, std::uint64_t events) : gen(cfg), order(gen, events, 0, 1) {}

  /// Calls on_person/on_auction/on_bid for the events of the stream, in
  /// emission order, generating only the kinds that are asked for.
  template <class P, class A, class B>
  void each(P on_person, A on_auction, B on_bid) {
    nx::person p{};
    nx::auction a{};
    nx::bid b{};
    std::uint64_t pos;
    while (order.next(pos)) {
      std::int64_t e = gen.event_number(pos);
      switch (nx::kind_of(e)) {
        case nx::event_kind::person:
          if constexpr (!std::is_same_v<P, std::nullptr_t>) {
            gen.make_person(e, p, person_fields);
            on_person(p);
          }
          break;
        case nx::event_kind::auction:
          if constexpr (!std::is_same_v<A, std::nullptr_t>) {
            gen.make_auction(e, a, auction_fields);
            on_auction(a);
          }
          break;
        case nx::event_kind::bid:
          if constexpr (!std::is_same_v<B, std::nullptr_t>) {
            gen.make_bid(e, b, bid_fields);
            on_bid(b);
          }
          break;
      }
    }
  }
};

} // namespace nexmark_baseline
