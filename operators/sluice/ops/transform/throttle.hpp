#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.throttle`: passes records on at most `rate` records per second
/// of processing time (the context's clock), with a token bucket that holds
/// at most max(1, rate × 0.1 s) tokens, so a burst after a pause is at most a
/// tenth of a second's worth. Held records are released by `poll`, which
/// asks to be called again when the next token is due. Watermarks are held
/// back until the records that arrived before them are released.
///
/// At end of stream the interface gives no later chance to pace, so the
/// remainder is released at once.
core::descriptor throttle_descriptor();

} // namespace sluice::ops::transform
