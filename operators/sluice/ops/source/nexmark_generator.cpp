#include "sluice/ops/source/nexmark_generator.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sluice::ops::source::nexmark {

namespace {

constexpr std::string_view us_states[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::string_view us_cities[] = {"Phoenix",  "Los Angeles", "San Francisco", "Boise",
                                          "Portland", "Bend",        "Redmond",       "Seattle",
                                          "Kent",     "Cheyenne"};
constexpr std::string_view first_names[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                            "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::string_view last_names[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                           "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::string_view hot_channels[] = {"Google", "Facebook", "Baidu", "Apple"};

template <class T, std::size_t N>
constexpr std::int64_t count_of(const T (&)[N]) {
  return static_cast<std::int64_t>(N);
}

// Buffer sizes of the short strings (generous upper bounds).
constexpr std::size_t name_cap = 32, email_cap = 32, card_cap = 24, item_cap = 24, desc_cap = 104;

// nextString: 3 .. max_length-1 characters, each a letter or (1 in 13) the
// special character, trimmed of spaces at both ends. One draw per two
// characters: 338 = 13 × 26 buckets give both choices.
std::size_t next_string(rng& r, std::int64_t max_length, char special, char* out) {
  auto len = static_cast<std::size_t>(3 + r.below(max_length - 3));
  std::size_t i = 0;
  while (i < len) {
    std::uint64_t x = r.next();
    for (int half = 0; half < 2 && i < len; ++half, ++i) {
      auto v = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) * 338) >> 32);
      x >>= 32;
      out[i] = v < 26 ? special : static_cast<char>('a' + v % 26);
    }
  }
  if (special != ' ') return len;
  std::size_t b = 0, e = len;
  while (b < e && out[b] == ' ') ++b;
  while (e > b && out[e - 1] == ' ') --e;
  if (b > 0) std::memmove(out, out + b, e - b);
  return e - b;
}

// Draws what next_string would, without making the string.
void skip_string(rng& r, std::int64_t max_length) {
  auto len = static_cast<std::uint64_t>(3 + r.below(max_length - 3));
  r.skip((len + 1) / 2);
}

// Eight letters 'a' + (byte × 26) / 256 from the eight bytes of x, computed
// in 16-bit lanes (255 × 26 < 65536, so lanes never carry into each other).
inline std::uint64_t letters8(std::uint64_t x) {
  constexpr std::uint64_t lanes = 0x00ff00ff00ff00ffULL;
  std::uint64_t even = (((x & lanes) * 26) >> 8) & lanes;
  std::uint64_t odd = ((((x >> 8) & lanes) * 26) >> 8) & lanes;
  return (even | (odd << 8)) + 0x6161616161616161ULL; // + 'a' per byte, no carries
}

// nextExactString: exactly `len` letters, eight per draw. `out` has room
// for len rounded up to a multiple of 8.
void next_exact_string(rng& r, std::size_t len, char* out) {
  for (std::size_t i = 0; i < len; i += 8) {
    std::uint64_t w = letters8(r.next());
    std::memcpy(out + i, &w, 8);
  }
}

// nextExtra: padding so that the event averages `desired` bytes.
std::size_t next_extra(rng& r, std::int64_t current, std::int64_t desired, char* out) {
  if (current > desired) return 0;
  desired -= current;
  auto delta = static_cast<std::int64_t>(std::floor(static_cast<double>(desired) * 0.2 + 0.5));
  std::int64_t size = desired - delta + (delta == 0 ? 0 : r.below(2 * delta));
  next_exact_string(r, static_cast<std::size_t>(size), out);
  return static_cast<std::size_t>(size);
}

// Room for the longest `extra` plus the slack that 8-byte writes and
// 8-byte over-reads (copy_padded in the operator) need.
std::size_t extra_cap(std::int64_t avg) { return static_cast<std::size_t>(avg + avg / 5 + 48); }

void put4(char* p, std::int64_t v) {
  p[3] = static_cast<char>('0' + v % 10);
  v /= 10;
  p[2] = static_cast<char>('0' + v % 10);
  v /= 10;
  p[1] = static_cast<char>('0' + v % 10);
  p[0] = static_cast<char>('0' + v / 10);
}

} // namespace

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

generator::generator(const config& cfg) : cfg_(cfg), delay_us_(1e6 / cfg.event_rate) {
  person_buf_.resize(name_cap + email_cap + card_cap + extra_cap(cfg.avg_person_byte_size));
  auction_buf_.resize(item_cap + desc_cap + extra_cap(cfg.avg_auction_byte_size));
  bid_buf_.resize(extra_cap(cfg.avg_bid_byte_size));
}

std::int64_t generator::next_base0_person_id(std::int64_t event_id, rng& r) const {
  std::int64_t num_people = last_base0_person_id(event_id) + 1;
  std::int64_t active = std::min(num_people, cfg_.num_active_people);
  std::int64_t n = r.below(active + person_id_lead);
  return num_people - active + n;
}

std::int64_t generator::next_base0_auction_id(std::int64_t event_id, rng& r) const {
  std::int64_t max_auction = last_base0_auction_id(event_id);
  std::int64_t min_auction = std::max<std::int64_t>(max_auction - cfg_.num_in_flight_auctions, 0);
  return min_auction + r.below(max_auction - min_auction + 1 + auction_id_lead);
}

namespace {
// 2^(j/64) × 100 for j = 0 .. 64 × 20: the whole-and-sixty-fourths part of
// the prices' exponent (10^6 < 2^20).
struct price_table {
  double v[64 * 20 + 1];
  price_table() {
    for (int j = 0; j <= 64 * 20; ++j) v[j] = std::exp2(static_cast<double>(j) / 64.0) * 100.0;
  }
};
const price_table prices;
} // namespace

std::int64_t generator::next_price(rng& r) {
  // The reference's round(10^(6u) × 100): 10^(6u) = 2^y with y = 6u log2(10),
  // as 2^(j/64) (a table) × 2^rest, rest < 1/64, by its Taylor series to
  // rest^3 (relative error < 1e-9). Much cheaper than pow().
  double y = r.unit() * (19.931568569324174 * 64); // 64 × 6 × log2(10)
  auto j = static_cast<int>(y);
  double t = (y - j) * (0.6931471805599453 / 64); // rest × ln 2
  double e = 1 + t * (1 + t * (0.5 + t * (1.0 / 6)));
  return static_cast<std::int64_t>(e * prices.v[j] + 0.5);
}

void generator::make_person(std::int64_t event_id, person& out, std::uint32_t fields) {
  rng r = event_rng(event_id);
  char* buf = person_buf_.data();
  out.id = last_base0_person_id(event_id) + first_person_id;
  // name
  auto first = first_names[r.below(count_of(first_names))];
  auto last = last_names[r.below(count_of(last_names))];
  char* name = buf;
  std::memcpy(name, first.data(), first.size());
  name[first.size()] = ' ';
  std::memcpy(name + first.size() + 1, last.data(), last.size());
  out.name = {name, first.size() + 1 + last.size()};
  // email
  char* email = buf + name_cap;
  const bool want_extra = fields & (1u << 7);
  if (want_extra || (fields & (1u << 2))) {
    std::size_t n = next_string(r, 7, ' ', email);
    email[n++] = '@';
    n += next_string(r, 5, ' ', email + n);
    std::memcpy(email + n, ".com", 4);
    out.email_address = {email, n + 4};
  } else {
    skip_string(r, 7);
    skip_string(r, 5);
    out.email_address = {};
  }
  // credit card: four groups of four digits
  char* card = email + email_cap;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) card[i * 5 - 1] = ' ';
    put4(card + i * 5, r.below(10000));
  }
  out.credit_card = {card, 19};
  out.city = us_cities[r.below(count_of(us_cities))];
  out.state = us_states[r.below(count_of(us_states))];
  out.date_time = timestamp_ms(event_id);
  auto current =
    static_cast<std::int64_t>(8 + out.name.size() + out.email_address.size()
                              + out.credit_card.size() + out.city.size() + out.state.size());
  char* extra = card + card_cap;
  out.extra = {};
  if (want_extra) out.extra = {extra, next_extra(r, current, cfg_.avg_person_byte_size, extra)};
}

void generator::make_auction(std::int64_t event_id, auction& out, std::uint32_t fields) {
  rng r = event_rng(event_id);
  char* buf = auction_buf_.data();
  out.id = last_base0_auction_id(event_id) + first_auction_id;
  std::int64_t seller;
  if (r.below(cfg_.hot_sellers_ratio) > 0)
    seller = (last_base0_person_id(event_id) / hot_seller_batch) * hot_seller_batch;
  else seller = next_base0_person_id(event_id, r);
  out.seller = seller + first_person_id;
  out.category = first_category_id + r.below(num_categories);
  out.initial_bid = next_price(r);
  out.date_time = timestamp_ms(event_id);
  // nextAuctionLengthMs: on average the time until num_in_flight_auctions
  // more auctions have been generated.
  std::int64_t events_for_auctions =
    (cfg_.num_in_flight_auctions * proportion_denominator) / auction_proportion;
  std::int64_t horizon = timestamp_ms(event_id + events_for_auctions) - out.date_time;
  out.expires = out.date_time + 1 + r.below(std::max<std::int64_t>(horizon * 2, 1));
  const bool want_extra = fields & (1u << 9);
  char* item = buf;
  char* desc = buf + item_cap;
  out.item_name = {};
  out.description = {};
  if (want_extra || (fields & (1u << 1))) out.item_name = {item, next_string(r, 20, ' ', item)};
  else skip_string(r, 20);
  if (want_extra || (fields & (1u << 2))) out.description = {desc, next_string(r, 100, ' ', desc)};
  else skip_string(r, 100);
  out.reserve = out.initial_bid + next_price(r);
  auto current =
    static_cast<std::int64_t>(8 + out.item_name.size() + out.description.size() + 8 * 5);
  char* extra = desc + desc_cap;
  out.extra = {};
  if (want_extra) out.extra = {extra, next_extra(r, current, cfg_.avg_auction_byte_size, extra)};
}

void generator::build_channels() {
  // Hot urls and the channel cache, from the seed (the reference draws them
  // from an unseeded Random when the class loads).
  rng r(mix(cfg_.seed, 0x6e65786d61726bULL)); // "nexmark"
  char part[8];
  auto add = [&](std::string_view s) { channel_bytes_.append(s.data(), s.size()); };
  auto base_url = [&] {
    add("https://www.nexmark.com/");
    for (int i = 0; i < 3; ++i) {
      add({part, next_string(r, 5, '_', part)});
      add("/");
    }
    add("item.htm?query=1");
  };
  auto pos = [&] { return static_cast<std::uint32_t>(channel_bytes_.size()); };
  // Channel c's name, then its url: channel_offs_[2c] .. [2c+1] .. [2c+2].
  for (auto hot : hot_channels) {
    channel_offs_.push_back(pos());
    add(hot);
    channel_offs_.push_back(pos());
    base_url();
  }
  for (std::int64_t i = 0; i < channels_number; ++i) {
    channel_offs_.push_back(pos());
    add("channel-");
    add(std::to_string(i));
    channel_offs_.push_back(pos());
    base_url();
    if (r.below(2) == 1) {
      // Math.abs(Integer.reverse(i))
      auto v = static_cast<std::uint32_t>(i), rev = 0u;
      for (int b = 0; b < 32; ++b) rev |= ((v >> b) & 1u) << (31 - b);
      auto sv = static_cast<std::int32_t>(rev);
      std::int64_t a = sv < 0 ? -static_cast<std::int64_t>(sv) : sv;
      add("&channel_id=");
      add(std::to_string(a));
    }
  }
  channel_offs_.push_back(pos());
  channel_bytes_.append(padding, '\0'); // readable slack for word-wise copies
  channels_built_ = true;
}

void generator::make_bid(std::int64_t event_id, bid& out, std::uint32_t fields, char* extra_to) {
  if (!channels_built_) build_channels();
  rng r = event_rng(event_id);
  // The channel first (the reference draws it after the price; the order of
  // draws is ours to choose): the table is large (10 004 names and urls), so
  // its entry starts loading while the rest of the bid is made, before the
  // caller copies it.
  std::size_t c;
  if (r.below(hot_channels_ratio) > 0) c = static_cast<std::size_t>(r.below(4));
  else c = 4 + static_cast<std::size_t>(r.below(channels_number));
  const char* bytes = channel_bytes_.data();
  const std::uint32_t* offs = channel_offs_.data() + 2 * c;
  __builtin_prefetch(bytes + offs[0]);
  __builtin_prefetch(bytes + offs[0] + 64);
  std::int64_t auction;
  if (r.below(cfg_.hot_auction_ratio) > 0)
    auction = (last_base0_auction_id(event_id) / hot_auction_batch) * hot_auction_batch;
  else auction = next_base0_auction_id(event_id, r);
  out.auction = auction + first_auction_id;
  std::int64_t bidder;
  if (r.below(cfg_.hot_bidders_ratio) > 0)
    bidder = (last_base0_person_id(event_id) / hot_bidder_batch) * hot_bidder_batch + 1;
  else bidder = next_base0_person_id(event_id, r);
  out.bidder = bidder + first_person_id;
  out.price = next_price(r);
  out.channel = {bytes + offs[0], offs[1] - offs[0]};
  out.url = {bytes + offs[1], offs[2] - offs[1]};
  out.date_time = timestamp_ms(event_id);
  char* extra = extra_to ? extra_to : bid_buf_.data();
  out.extra = {};
  if (fields & (1u << 6)) out.extra = {extra, next_extra(r, 32, cfg_.avg_bid_byte_size, extra)};
}

std::int64_t generator::delay_ms(std::uint64_t position) const {
  if (cfg_.occasional_delay_ms <= 0 || cfg_.prob_delayed_event <= 0) return 0;
  rng r(mix(cfg_.seed ^ 0x64656c6179ULL, position)); // "delay"
  if (r.unit() >= cfg_.prob_delayed_event) return 0;
  return 1 + r.below(cfg_.occasional_delay_ms);
}

emission_order::emission_order(const generator& g, std::uint64_t total, std::size_t instance,
                               std::size_t parallelism, std::uint64_t block)
  : g_(g), total_(total), block_(block), stride_(block * parallelism), cursor_(block * instance),
    block_end_(block * (instance + 1)),
    delays_(g.cfg().occasional_delay_ms > 0 && g.cfg().prob_delayed_event > 0) {}

bool emission_order::own_next(std::uint64_t& position) {
  if (cursor_ == block_end_) {
    cursor_ += stride_ - block_;
    block_end_ += stride_;
  }
  if (total_ != 0 && cursor_ >= total_) return false;
  position = cursor_++;
  return true;
}

bool emission_order::next_slow(std::uint64_t& position) {
  for (;;) {
    std::uint64_t p;
    if (!own_next(p)) {
      if (held_.empty()) return false;
      position = held_.top().second;
      held_.pop();
      ++emitted_;
      return true;
    }
    std::int64_t ts = g_.timestamp_ms(g_.event_number(p));
    if (!held_.empty() && held_.top().first <= ts) {
      // a held event is due first: emit it, come back to p next time
      position = held_.top().second;
      held_.pop();
      --cursor_; // p is in the current block: it comes next time
      ++emitted_;
      return true;
    }
    std::int64_t d = g_.delay_ms(p);
    if (d > 0) {
      held_.push({ts + d, p});
      continue;
    }
    position = p;
    ++emitted_;
    return true;
  }
}

emission_order::position emission_order::save() const {
  position p{cursor_, block_end_, emitted_, {}};
  for (auto copy = held_; !copy.empty(); copy.pop()) p.held.push_back(copy.top());
  return p;
}

void emission_order::load(const position& p) {
  cursor_ = p.cursor;
  block_end_ = p.block_end;
  emitted_ = p.emitted;
  held_ = {};
  for (const auto& h : p.held) held_.push(h);
}

std::int64_t emission_order::watermark_ms() const {
  std::uint64_t p = cursor_ == block_end_ ? cursor_ + stride_ - block_ : cursor_;
  std::int64_t wm = g_.timestamp_ms(g_.watermark_number(p));
  if (g_.cfg().occasional_delay_ms > 0) wm -= g_.cfg().occasional_delay_ms;
  return wm;
}

} // namespace sluice::ops::source::nexmark
