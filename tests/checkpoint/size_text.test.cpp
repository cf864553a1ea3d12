#include <catch2/catch.hpp>

#include "sluice/checkpoint/size_text.hpp"

using sluice::checkpoint::format_size;

TEST_CASE("sizes print in bytes below a KiB and with one decimal above") {
  CHECK(format_size(0) == "0 B");
  CHECK(format_size(1023) == "1023 B");
  CHECK(format_size(1024) == "1.0 KiB");
  CHECK(format_size(1536) == "1.5 KiB");
  CHECK(format_size(1048575) == "1.0 MiB");
  CHECK(format_size(std::uint64_t{3} << 30) == "3.0 GiB");
  CHECK(format_size(~std::uint64_t{0}) == "16.0 EiB");
}
