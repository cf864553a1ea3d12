#include "sluice/ops/kafka/kafka_client.hpp"

#include "sluice/core/errors.hpp"
#include "sluice/core/secrets.hpp"

namespace sluice::ops::kafka {

client_settings read_client_settings(const core::params& p) {
  client_settings s;
  s.brokers = p.string("brokers");
  if (s.brokers.empty())
    throw core::param_error("brokers", "must name at least one broker, e.g. \"127.0.0.1:9092\"");
  if (p.has("properties")) {
    const auto& j = p.json("properties");
    if (!j.is_object())
      throw core::param_error("properties", "must be an object of librdkafka property -> value");
    for (const auto& [name, value] : j.items()) {
      if (value.is_string()) s.properties[name] = value.get<std::string>();
      else if (core::is_secret_reference(value)) s.secret_properties[name] = value;
      else if (value.is_number() || value.is_boolean()) s.properties[name] = value.dump();
      else
        throw core::param_error("properties", "property '" + name
                                                + "' must be a string, number, boolean, {\"env\": "
                                                  "\"VARIABLE\"} or {\"file\": \"/path\"}");
    }
  }
  return s;
}

conf_ptr make_conf(const client_settings& s, const std::map<std::string, std::string>& fixed,
                   bool read_secrets) {
  conf_ptr conf(rd_kafka_conf_new());
  char err[512];
  auto set = [&](const std::string& name, const std::string& value, const std::string& param) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), err, sizeof err)
        != RD_KAFKA_CONF_OK)
      throw core::param_error(param, "property '" + name + "': " + err);
  };
  set("bootstrap.servers", s.brokers, "brokers");
  for (const auto& [name, value] : s.properties) {
    if (fixed.count(name) || name == "bootstrap.servers")
      throw core::param_error("properties", "property '" + name
                                              + "' is set by the connector and cannot be changed");
    set(name, value, "properties");
  }
  for (const auto& [name, ref] : s.secret_properties) {
    if (fixed.count(name) || name == "bootstrap.servers")
      throw core::param_error("properties", "property '" + name
                                              + "' is set by the connector and cannot be changed");
    std::string value = "unread-secret";
    if (read_secrets) {
      try {
        value = core::resolve_secret(ref);
      } catch (const std::runtime_error& e) {
        throw core::param_error("properties", "property '" + name + "': " + e.what());
      }
    }
    set(name, value, "properties");
  }
  for (const auto& [name, value] : fixed) set(name, value, "properties");
  return conf;
}

namespace {

void on_client_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* status = static_cast<core::connector_status*>(opaque);
  if (!status) return;
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  std::string text = std::string("kafka: ") + (reason ? reason : rd_kafka_err2str(code));
  if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__TRANSPORT)
    status->disconnected(text);
  else status->error(text);
}

} // namespace

void report_errors_to(rd_kafka_conf_t* conf, core::connector_status* status) {
  rd_kafka_conf_set_opaque(conf, status);
  rd_kafka_conf_set_error_cb(conf, &on_client_error);
}

prop brokers_property() {
  return prop("brokers", core::param_type::string,
              "bootstrap brokers, host:port separated by commas")
    .required();
}

prop properties_property() {
  return prop("properties", core::param_type::json,
              "librdkafka settings for the client, e.g. {\"security.protocol\": \"ssl\", "
              "\"reconnect.backoff.max.ms\": 10000}");
}

std::string error_text(const std::string& what, rd_kafka_resp_err_t err) {
  return "kafka: " + what + ": " + rd_kafka_err2str(err);
}

} // namespace sluice::ops::kafka
