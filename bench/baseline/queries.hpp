#pragma once

// The NEXMark queries as plain loops; each writes its results to `out`
// exactly as the matching bench/nexmark/qN.json pipeline does.

#include "output.hpp"
#include "run_state.hpp"

namespace nexmark_baseline {

void q0(run_state& st, json_lines& out);
void q1(run_state& st, json_lines& out);
void q2(run_state& st, json_lines& out);
void q3(run_state& st, json_lines& out);
void q4(run_state& st, json_lines& out);
void q5(run_state& st, json_lines& out);
void q7(run_state& st, json_lines& out);
void q8(run_state& st, json_lines& out);
void q11(run_state& st, json_lines& out);
void q12(run_state& st, json_lines& out);

} // namespace nexmark_baseline
