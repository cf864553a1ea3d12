// Kafka in and out through Sluice against the same client library driven by
// a minimal loop (the ceiling), on librdkafka's mock cluster hosted here.
// Every client runs in a child process, so its CPU time is its own (the
// brokers' threads stay in this one). Prints figures, asserts nothing.
//
//   kafka_bench SLUICE_BIN [RECORDS]        (default 500 000)
//   kafka_bench --produce BOOTSTRAP TOPIC N (a child: the minimal producer)
//   kafka_bench --consume BOOTSTRAP TOPIC N (a child: the minimal consumer)

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "operators/kafka/mock_cluster.hpp"

namespace {

/// The text the generator's records have as JSON (what sink.kafka writes).
std::string record(long i) {
  return "{\"seq\":" + std::to_string(i) + ",\"ts\":\"2026-01-01T00:00:00.000Z\",\"key\":\"k"
         + std::to_string(i % 100) + "\",\"value\":" + std::to_string(i) + "}";
}

rd_kafka_t* client(rd_kafka_type_t type, const std::string& bootstrap,
                   const std::vector<std::pair<const char*, const char*>>& settings) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  for (const auto& [k, v] : settings) rd_kafka_conf_set(conf, k, v, err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "kafka_bench: %s\n", err);
    std::exit(1);
  }
  return rk;
}

// The producer Sluice's sink is (idempotent, acks=all), without Sluice.
int produce(const std::string& bootstrap, const std::string& topic, long n) {
  rd_kafka_t* p = client(RD_KAFKA_PRODUCER, bootstrap,
                         {{"enable.idempotence", "true"}, {"acks", "all"}, {"log_level", "0"}});
  for (long i = 0; i < n; ++i) {
    std::string v = record(i);
    while (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic.c_str()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_VALUE(v.data(), v.size()), RD_KAFKA_V_END)
           == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(p, 10);
    rd_kafka_poll(p, 0);
  }
  rd_kafka_flush(p, 60000);
  int left = rd_kafka_outq_len(p);
  rd_kafka_destroy(p);
  return left == 0 ? 0 : 1;
}

// A consumer reading every partition from the beginning until n messages.
int consume(const std::string& bootstrap, const std::string& topic, long n) {
  rd_kafka_t* c = client(RD_KAFKA_CONSUMER, bootstrap,
                         {{"group.id", "ceiling"},
                          {"enable.auto.commit", "false"},
                          {"enable.partition.eof", "true"},
                          {"log_level", "0"}});
  rd_kafka_poll_set_consumer(c);
  rd_kafka_topic_t* t = rd_kafka_topic_new(c, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(c, 0, t, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) return 1;
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(8);
  const int partitions = md->topics[0].partition_cnt;
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), md->topics[0].partitions[p].id)
      ->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(t);
  rd_kafka_assign(c, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  // Until n messages, or every partition read to its end (the mock
  // cluster keeps only so much of a partition: then fewer are there).
  long got = 0;
  std::size_t bytes = 0;
  int at_end = 0;
  while (got < n && at_end < partitions) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 1000);
    if (!m) continue;
    if (!m->err) {
      ++got;
      bytes += m->len;
    } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
    }
    rd_kafka_message_destroy(m);
  }
  if (got < n) std::fprintf(stderr, "kafka_bench: only %ld of %ld messages were there\n", got, n);
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return bytes > 0 ? 0 : 1;
}

struct measured {
  double seconds = 0, cpu_seconds = 0;
  int status = 0;
};

/// Runs `argv` as a child and measures its wall and CPU time.
measured run_child(const std::vector<std::string>& argv) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::_Exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  measured m;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                  + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  m.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m;
}

void report(const char* what, long n, const measured& m) {
  if (m.status != 0) {
    std::printf("  %-44s failed (exit %d)\n", what, m.status);
    return;
  }
  std::printf("  %-44s %10.0f records/s  %6.2f CPU s per million\n", what,
              static_cast<double>(n) / m.seconds, m.cpu_seconds * 1e6 / static_cast<double>(n));
}

std::string self_path() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "kafka_bench";
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--produce")
    return produce(argv[2], argv[3], std::atol(argv[4]));
  if (argc == 5 && std::string(argv[1]) == "--consume")
    return consume(argv[2], argv[3], std::atol(argv[4]));
  if (argc < 2) {
    std::fprintf(stderr, "usage: kafka_bench SLUICE_BIN [RECORDS]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures as they come
  const std::string sluice = argv[1];
  const long n = argc > 2 ? std::atol(argv[2]) : 500000; // what the mock keeps whole
  sluice::test::mock_cluster kafka(1);
  kafka.create_topic("ceiling", 32); // the mock keeps ~5 MB per partition
  kafka.create_topic("sluice", 32);
  const std::string self = self_path(), bootstrap = kafka.bootstraps();
  const std::string dir = "/tmp/sluice-kafka-bench-" + std::to_string(::getpid());
  std::system(("mkdir -p " + dir).c_str());

  std::printf(
    "Kafka (librdkafka's mock cluster, 1 broker, 32 partitions), %ld records of ~70 bytes\n", n);
  report("out: minimal producer loop (ceiling)", n,
         run_child({self, "--produce", bootstrap, "ceiling", std::to_string(n)}));
  {
    std::ofstream(dir + "/out.json") << R"({"schemaVersion": 1, "nodes": [
        {"id": "gen", "kind": "source.generator", "params": {"count": )"
                                     << n << R"(, "keys": 100}},
        {"id": "out", "kind": "sink.kafka", "params": {"brokers": ")"
                                     << bootstrap << R"(", "topic": "sluice"}}],
      "edges": [{"from": "gen", "to": "out"}]})";
    report("out: source.generator -> sink.kafka", n,
           run_child({sluice, "run", "--quiet", dir + "/out.json"}));
  }
  report("in: minimal consumer loop (ceiling)", n,
         run_child({self, "--consume", bootstrap, "ceiling", std::to_string(n)}));
  {
    std::ofstream(dir + "/in.json")
      << R"({"schemaVersion": 1, "nodes": [
        {"id": "in", "kind": "source.kafka", "params": {"brokers": ")"
      << bootstrap << R"(", "topic": "ceiling", "start": "earliest", "bounded": true,
          "schema": {"seq": "int", "ts": "timestamp", "key": "string", "value": "int"}}},
        {"id": "out", "kind": "sink.null"}],
      "edges": [{"from": "in", "to": "out"}]})";
    report("in: source.kafka (json, bounded) -> sink.null", n,
           run_child({sluice, "run", "--quiet", dir + "/in.json"}));
  }
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
