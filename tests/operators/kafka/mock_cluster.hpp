#pragma once

// librdkafka's mock cluster: real Kafka brokers (the protocol on loopback
// TCP ports), in this process, whose brokers a test can take down and bring
// up. Plus a plain producer and consumer to put messages in and read them
// back without Sluice.

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace sluice::test {

class mock_cluster {
public:
  explicit mock_cluster(int brokers = 3) : brokers_(brokers) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!host_) throw std::runtime_error(std::string("mock cluster host: ") + err);
    cluster_ = rd_kafka_mock_cluster_new(host_, brokers);
    if (!cluster_) throw std::runtime_error("cannot start the Kafka mock cluster");
  }
  ~mock_cluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(host_);
  }
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  void create_topic(const std::string& topic, int partitions) {
    if (rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1))
      throw std::runtime_error("cannot create topic " + topic);
  }

  /// Takes every broker down (connections refused) or brings them back.
  void set_down(bool down) {
    for (int b = 1; b <= brokers_; ++b) {
      if (down) rd_kafka_mock_broker_set_down(cluster_, b);
      else rd_kafka_mock_broker_set_up(cluster_, b);
    }
  }

  /// Writes `values` to `topic` (partition -1: by key, or spread) and waits
  /// until the cluster has them all.
  void produce(const std::string& topic, const std::vector<std::string>& values, int partition = -1,
               const std::string& key = "") {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps().c_str(), err, sizeof err);
    rd_kafka_t* p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    for (const auto& v : values)
      rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                        RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
                        RD_KAFKA_V_HEADER("origin", "test", 4), RD_KAFKA_V_END);
    rd_kafka_flush(p, 30000);
    const int left = rd_kafka_outq_len(p);
    rd_kafka_destroy(p);
    if (left) throw std::runtime_error("the mock cluster did not take every message");
  }

  /// Every message of `topic` (all partitions, from the beginning) until
  /// `expected` have come or `timeout` passes: "key=value" when keyed.
  std::vector<std::string> consume(const std::string& topic, std::size_t expected,
                                   std::chrono::seconds timeout = std::chrono::seconds(30),
                                   const char* isolation = "read_committed") {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps().c_str(), err, sizeof err);
    const std::string group = "check-" + topic + "-" + std::to_string(++consumers_);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "isolation.level", isolation, err, sizeof err);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    rd_kafka_poll_set_consumer(c);
    // Every partition from its beginning, assigned by hand: no group join
    // to wait for, so a short timeout means what it says.
    rd_kafka_topic_t* t = rd_kafka_topic_new(c, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(c, 0, t, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1)
      throw std::runtime_error("no metadata for topic " + topic);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
    for (int p = 0; p < md->topics[0].partition_cnt; ++p)
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), md->topics[0].partitions[p].id)
        ->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    rd_kafka_assign(c, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    std::vector<std::string> out;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (out.size() < expected && std::chrono::steady_clock::now() < until) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 100);
      if (!m) continue;
      if (!m->err) {
        std::string v(static_cast<const char*>(m->payload), m->len);
        if (m->key) v = std::string(static_cast<const char*>(m->key), m->key_len) + "=" + v;
        out.push_back(std::move(v));
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return out;
  }

private:
  int brokers_;
  int consumers_ = 0;
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

} // namespace sluice::test
