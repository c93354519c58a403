#pragma once
// The one option parser of every `ampgate` verb (CLI11). Each verb builds an `Options`,
// adds what it takes, and calls parse(): `--help` on every verb prints the usage and the
// options and exits 0; an unknown option or a bad value is named with the verb's usage and
// exits 2; `--log-level` (and `--config` where a verb reads a site file) mean the same
// everywhere.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "gateway/cli/verb.h"

namespace ampgate::cli {

class Options {
 public:
  // usage as in `ampgate --help`, without "ampgate " (e.g. "check FILE").
  Options(std::string verb, std::string usage, std::string summary);

  CLI::App& app() { return app_; }

  // --log-level debug|info|warning|error, applied as it is parsed.
  void log_level();
  // --config SITE.yaml into path. A verb that also takes the file as its first word
  // (check, simulate) passes positional = true.
  CLI::Option* config(std::string& path, bool positional = false);

  // Nothing when the verb should go on; else the exit code to return (0 after --help,
  // exit_usage after an error, which has been printed with the usage).
  std::optional<int> parse(const Args& args);

  // A verb's own check after parse() failed: the message and the usage on stderr.
  int usage_error(const std::string& why) const;

 private:
  std::optional<std::string> unknown() const;  // the first word no option took

  std::string verb_, usage_;
  CLI::App app_;
};

}  // namespace ampgate::cli
