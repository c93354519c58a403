// The shared option parser of the verbs (see options.h).
#include "gateway/cli/options.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include "gateway/log.h"

namespace ampgate::cli {
namespace {

// CLI11's own usage line reads "Usage: NAME [OPTIONS]"; ours is the verb's usage as
// `ampgate --help` lists it, so the two never disagree.
class Formatter : public CLI::Formatter {
 public:
  explicit Formatter(std::string usage) : usage_(std::move(usage)) {}
  std::string make_usage(const CLI::App* app, std::string) const override {
    return "usage: ampgate " + usage_ + "\n\n" + app->get_description() + "\n";
  }
  std::string make_description(const CLI::App*) const override { return ""; }  // under the usage line

 private:
  std::string usage_;
};

}  // namespace

Options::Options(std::string verb, std::string usage, std::string summary)
    : verb_(std::move(verb)), usage_(std::move(usage)), app_(std::move(summary), "ampgate " + verb_) {
  app_.formatter(std::make_shared<Formatter>(usage_));
  // Left-over words are looked at in parse(), so the message can name the unknown option.
  app_.allow_extras();
  app_.set_help_flag("-h,--help", "print this help and exit");
}

void Options::log_level() {
  static const std::map<std::string, log::Level> levels{
      {"debug", log::Level::debug}, {"info", log::Level::info}, {"warning", log::Level::warning}, {"error", log::Level::error}};
  app_.add_option_function<std::string>(
          "--log-level", [](const std::string& v) { log::set_level(levels.at(v)); },
          "least important message logged (default info)")
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
}

CLI::Option* Options::config(std::string& path, bool positional) {
  auto* option = app_.add_option(positional ? "SITE,--config" : "--config", path, "the site file")->type_name("SITE.yaml");
  return option;
}

std::optional<int> Options::parse(const Args& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app_.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app_.help();
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    // A misspelt option explains a missing required one: name it first.
    if (auto why = unknown()) return usage_error(*why);
    return usage_error(e.what());
  }
  if (auto why = unknown()) return usage_error(*why);
  return std::nullopt;
}

std::optional<std::string> Options::unknown() const {
  const auto extra = app_.remaining();
  if (extra.empty()) return std::nullopt;
  const auto& word = extra.front();
  return word.size() > 1 && word[0] == '-' ? "unknown option '" + word + "'" : "unexpected argument '" + word + "'";
}

int Options::usage_error(const std::string& why) const {
  std::cerr << "ampgate " << verb_ << ": " << why << "\nusage: ampgate " << usage_ << "\n(ampgate " << verb_
            << " --help lists the options)\n";
  return exit_usage;
}

}  // namespace ampgate::cli
