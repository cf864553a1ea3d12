// The ceiling for sink.postgres and source.postgres: what libpq does on its
// own, in a minimal loop, with the rows the Sluice benchmark moves
// (seq bigint, ts timestamptz, key text, value double precision):
//   postgres_ceiling CONNINFO ROWS
// prints, per phase, records/s and CPU seconds (this process) per million
// records:
//   append  one COPY ... FROM STDIN (FORMAT binary) of ROWS rows
//   upsert  COPY into a temporary table, then INSERT ... ON CONFLICT DO
//           UPDATE, per 100 000 rows, over 10 000 keys
//   read    SELECT ... WHERE seq > $1 ORDER BY seq LIMIT 50000, paged, the
//           values parsed (what source.postgres in poll mode does)

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <libpq-fe.h>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
         + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void check(PGconn* c, PGresult* r, ExecStatusType want) {
  if (PQresultStatus(r) != want) {
    std::fprintf(stderr, "postgres: %s", PQerrorMessage(c));
    std::exit(1);
  }
  PQclear(r);
}

void exec(PGconn* c, const char* sql) { check(c, PQexec(c, sql), PGRES_COMMAND_OK); }

void put16(std::string& o, std::uint16_t v) {
  o += static_cast<char>(v >> 8);
  o += static_cast<char>(v);
}
void put32(std::string& o, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) o += static_cast<char>(v >> s);
}
void put64(std::string& o, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) o += static_cast<char>(v >> s);
}

// COPY rows [first, first + n) into `table` (keys: seq % keys).
void copy_rows(PGconn* c, const char* table, long first, long n, long keys) {
  const std::string sql =
    std::string("COPY ") + table + " (seq, ts, key, value) FROM STDIN WITH (FORMAT binary)";
  check(c, PQexec(c, sql.c_str()), PGRES_COPY_IN);
  std::string out("PGCOPY\n\377\r\n\0", 11);
  put32(out, 0);
  put32(out, 0);
  for (long i = first; i < first + n; ++i) {
    put16(out, 4);
    put32(out, 8);
    put64(out, static_cast<std::uint64_t>(i));
    put32(out, 8);
    put64(out, static_cast<std::uint64_t>(820540800000000LL + i * 1000)); // 2026-01-01 + i ms
    const std::string key = "k" + std::to_string(i % keys);
    put32(out, static_cast<std::uint32_t>(key.size()));
    out += key;
    double v = static_cast<double>(i) * 0.5;
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    put32(out, 8);
    put64(out, bits);
    if (out.size() > (1 << 20)) {
      PQputCopyData(c, out.data(), static_cast<int>(out.size()));
      out.clear();
    }
  }
  put16(out, 0xffff);
  PQputCopyData(c, out.data(), static_cast<int>(out.size()));
  PQputCopyEnd(c, nullptr);
  check(c, PQgetResult(c), PGRES_COMMAND_OK);
  while (PGresult* r = PQgetResult(c)) PQclear(r);
}

void report(const char* phase, long rows, double wall, double cpu) {
  std::printf("ceiling %-7s %9ld records  %6.2f s  %10.0f records/s  cpu %6.2f s per M records\n",
              phase, rows, wall, static_cast<double>(rows) / wall,
              cpu / static_cast<double>(rows) * 1e6);
}

template <class Body>
void measure(const char* phase, long rows, Body body) {
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  body();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report(phase, rows, wall, cpu_seconds() - c0);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: postgres_ceiling CONNINFO ROWS\n");
    return 2;
  }
  const long rows = std::atol(argv[2]);
  PGconn* c = PQconnectdb(argv[1]);
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "postgres: %s", PQerrorMessage(c));
    return 1;
  }
  exec(c, "DROP TABLE IF EXISTS ceiling_append, ceiling_upsert");
  exec(c, "CREATE TABLE ceiling_append (seq bigint, ts timestamptz, key text, value double "
          "precision)");
  exec(c, "CREATE TABLE ceiling_upsert (seq bigint, ts timestamptz, key text PRIMARY KEY, value "
          "double precision)");
  exec(c, "CREATE TEMP TABLE stage (seq bigint, ts timestamptz, key text, value double "
          "precision, n bigserial) ON COMMIT DELETE ROWS");
  measure("append", rows, [&] {
    exec(c, "BEGIN");
    copy_rows(c, "ceiling_append", 0, rows, 100);
    exec(c, "COMMIT");
  });
  measure("upsert", rows, [&] {
    for (long first = 0; first < rows; first += 100000) {
      exec(c, "BEGIN");
      copy_rows(c, "stage", first, std::min(100000L, rows - first), 10000);
      exec(c, "INSERT INTO ceiling_upsert (seq, ts, key, value) SELECT DISTINCT ON (key) seq, "
              "ts, key, value FROM stage ORDER BY key, n DESC ON CONFLICT (key) DO UPDATE SET "
              "seq = EXCLUDED.seq, ts = EXCLUDED.ts, value = EXCLUDED.value");
      exec(c, "COMMIT");
    }
  });
  long read = 0;
  measure("read", rows, [&] {
    std::string last = "-1";
    std::int64_t sum = 0;
    for (;;) {
      const char* params[1] = {last.c_str()};
      PGresult* r = PQexecParams(c,
                                 "SELECT seq, ts, key, value FROM ceiling_append WHERE seq > $1 "
                                 "ORDER BY seq LIMIT 50000",
                                 1, nullptr, params, nullptr, nullptr, 0);
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::fprintf(stderr, "postgres: %s", PQerrorMessage(c));
        return;
      }
      const int n = PQntuples(r);
      for (int i = 0; i < n; ++i) {
        sum += std::strtoll(PQgetvalue(r, i, 0), nullptr, 10);
        sum += static_cast<std::int64_t>(std::strtod(PQgetvalue(r, i, 3), nullptr));
        sum += PQgetlength(r, i, 1) + PQgetlength(r, i, 2);
      }
      read += n;
      if (n > 0) last = PQgetvalue(r, n - 1, 0);
      PQclear(r);
      if (n == 0) break;
    }
    if (sum == 42) std::printf(" "); // keep the parsing
  });
  if (read != rows) std::fprintf(stderr, "read %ld rows, not %ld\n", read, rows);
  PQfinish(c);
  return 0;
}
