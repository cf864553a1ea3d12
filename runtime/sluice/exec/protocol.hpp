#pragma once

// The credit protocol between node instances (docs/ARCHITECTURE.md §4), as plain CAF
// messages. Between an upstream instance U and a downstream instance D on
// one edge there is one *channel*; D knows it as an input *slot*.
//
//   D -> U  (credit_atom, channel, n)      U may send n more records
//   U -> D  (batch_atom, slot, batch_ptr, t)  only within credit; t: the
//                                             watermark that follows the
//                                             batch, or min_timestamp
//   U -> D  (watermark_atom, slot, t)      a watermark with no batch to ride on
//   U -> D  (eos_atom, slot)               nothing follows on this slot
//   U -> D  (barrier_atom, slot, id)       checkpoint barrier `id`; needs no
//                                          credit and overtakes the data
//                                          still waiting at U (unaligned, §10)
//
// Between the run and the instances (checkpoints, §10):
//   run -> source  (checkpoint_atom, id)   take checkpoint `id` now
//   run -> every   (committed_atom, id)    checkpoint `id` is complete
//
// CAF keeps the order of messages between two actors, so control elements
// stay in order with the data. Every message type is serialisable (see
// batch_wire.hpp), so the same protocol can later cross processes.

#include <cstdint>

#include <caf/atom.hpp>

#include "sluice/exec/batch_wire.hpp"

namespace sluice::exec {

using batch_atom = caf::atom_constant<caf::atom("batch")>;
using credit_atom = caf::atom_constant<caf::atom("credit")>;
using watermark_atom = caf::atom_constant<caf::atom("watermark")>;
using eos_atom = caf::atom_constant<caf::atom("eos")>;
using barrier_atom = caf::atom_constant<caf::atom("barrier")>;
using checkpoint_atom = caf::atom_constant<caf::atom("chkpt")>;
using committed_atom = caf::atom_constant<caf::atom("committed")>;
/// Self-messages of a node: produce more (sources, holding operators).
/// Carries a poll_reason.
using poll_atom = caf::atom_constant<caf::atom("poll")>;
/// Self-message: look for inputs that have gone idle.
using idle_atom = caf::atom_constant<caf::atom("idle")>;
/// Self-message: the max_delay of a partial output batch has passed.
using flush_atom = caf::atom_constant<caf::atom("flush")>;
/// From the run: sources stop producing and end their streams.
using stop_atom = caf::atom_constant<caf::atom("stop")>;
/// From the run: the wiring is complete, start.
using start_atom = caf::atom_constant<caf::atom("start")>;

/// Why a poll message was sent.
enum poll_reason : std::uint8_t {
  poll_now = 0,        ///< keep producing (a source yielding to its mailbox)
  poll_after_wait = 1, ///< the wait an operator asked for is over
  poll_on_timer = 2,   ///< an operator's timer (input kept flowing meanwhile)
};

} // namespace sluice::exec
