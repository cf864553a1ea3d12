#pragma once

#include <cstddef>

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.alert`: stateful alert rules with Prometheus Alertmanager's
/// semantics, one record per transition of an alert instance (one per
/// distinct `key`) instead of one per matching record. The state machine
/// is in alert_table.hpp, the params in alert_config.hpp.
///
/// Event time is the `timestamp` field's (default "ts"): per input channel
/// the latest time seen, the minimum over channels (as the windows track
/// it), or the upstream watermark if that is further. Transitions due when
/// event time moves run then, so an alert fires or resolves on a watermark
/// even when its key's records have stopped. A record ahead of event time
/// (one channel ahead of another) is held until event time reaches it, so
/// records act in time order whatever the interleaving of the channels. At end of stream event time
/// goes to +infinity, as for the windows: what is pending fires if its
/// `for` completes before its silence, then every instance resolves.
///
/// Output, per transition: status ("firing" or "resolved"), the key fields
/// (their types), since (the incident's first match), at (when the
/// transition happened), message, then one string field per label, in
/// name order. A record with a null time, or whose `when` fails, goes to
/// the node's errors.
///
/// State: one instance per key that is pending or firing (a resolved or
/// dropped instance is removed), and the records held ahead of event time.
core::descriptor alert_descriptor();

/// Introspection implemented by the alert operator (for tests and
/// metrics): `dynamic_cast<const alert_state*>(op.get())`.
class alert_state {
public:
  virtual ~alert_state() = default;
  /// Alert instances held (pending or firing).
  virtual std::size_t instances_held() const = 0;
  /// Records held until event time reaches them.
  virtual std::size_t records_held() const = 0;
};

} // namespace sluice::ops::transform
