#pragma once
// The verbs of the `ampgate` binary. Each verb lives in its own file in gateway/cli/ and
// registers itself with a file-scope `Verb` object, so adding a verb touches no other file.
#include <functional>
#include <string>
#include <vector>

namespace ampgate::cli {

using Args = std::vector<std::string>;  // the arguments after the verb itself
using VerbFn = std::function<int(const Args&)>;

struct VerbInfo {
  std::string name;
  std::string usage;    // e.g. "check FILE"
  std::string summary;  // one line for `ampgate --help`
  VerbFn run;
};

std::vector<VerbInfo>& verbs();

struct Verb {
  Verb(std::string name, std::string usage, std::string summary, VerbFn run) {
    verbs().push_back({std::move(name), std::move(usage), std::move(summary), std::move(run)});
  }
};

// Exit codes shared by all verbs.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // runtime failure (unreachable gateway, I/O error)
inline constexpr int exit_usage = 2;    // bad arguments or invalid configuration

}  // namespace ampgate::cli
