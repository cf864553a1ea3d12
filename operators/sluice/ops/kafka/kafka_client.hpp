#pragma once

// What source.kafka and sink.kafka share: librdkafka handles that free
// themselves, a configuration built from the node's params, and the params
// both take.

#include <map>
#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>

#include "sluice/core/connector_status.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::kafka {

struct conf_deleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct topic_list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct message_deleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;
using topic_list_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, topic_list_deleter>;
using message_ptr = std::unique_ptr<rd_kafka_message_t, message_deleter>;

/// librdkafka's settings of a node: `bootstrap.servers` from `brokers`,
/// then the node's `properties` (any librdkafka property, e.g.
/// "security.protocol", "reconnect.backoff.max.ms"), then `fixed`, which the
/// connector's guarantees depend on and a property may not override.
/// A property's value may be a secret reference ({"env": ...} or
/// {"file": ...}, core/secrets.hpp), resolved when the client is made.
struct client_settings {
  std::string brokers;
  std::map<std::string, std::string> properties;
  std::map<std::string, nlohmann::json> secret_properties;
};

/// Reads `brokers` and `properties` from `p`; throws param_error.
client_settings read_client_settings(const core::params& p);

/// A configuration of `s` plus `fixed`. Throws param_error("properties")
/// naming a property librdkafka refuses, or one that `fixed` sets, or a
/// secret that cannot be read. Binding calls it once too, with
/// `read_secrets` false (bind reads nothing), so a wrong property fails
/// validation, not the run.
conf_ptr make_conf(const client_settings& s, const std::map<std::string, std::string>& fixed,
                   bool read_secrets = true);

/// Makes `conf`'s error callback report to `status`: no broker reachable
/// marks the link down, other client errors are recorded as the last error.
/// The operator marks it up itself when a broker answered. `status` must
/// outlive the client; `conf`'s opaque must not be needed for anything else
/// (the callback gets `status` through it).
void report_errors_to(rd_kafka_conf_t* conf, core::connector_status* status);

/// The `brokers` and `properties` props.
prop brokers_property();
prop properties_property();

/// "kafka: <what>: <librdkafka's text for err>".
std::string error_text(const std::string& what, rd_kafka_resp_err_t err);

} // namespace sluice::ops::kafka
