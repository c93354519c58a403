#include "api/mqtt/command_topics.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "api/commands.h"

namespace ampgate::api::mqtt {

namespace {

using nlohmann::json;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A bare value as the REST body `{ field: value }`: numbers as numbers, "null" or nothing as
// null, anything else as the text (which the REST rules then refuse in their words).
std::string as_body(const std::string& payload, const std::string& field, bool numeric) {
  const std::string p = trim(payload);
  if (!p.empty() && p.front() == '{') return p;
  json body = json::object();
  if (p.empty() || p == "null" || p == "None") {
    body[field] = nullptr;
  } else if (numeric) {
    char* end = nullptr;
    const double v = std::strtod(p.c_str(), &end);
    body[field] = (end && *end == '\0') ? json(v) : json(p);
  } else {
    body[field] = p;
  }
  return body.dump();
}

std::string answer(const CommandReply& r) {
  json body = r.body;
  body["status"] = r.status;
  return body.dump();
}

}  // namespace

std::vector<std::string> command_filters(const std::string& prefix) {
  return {prefix + "/charger/+/+/set", prefix + "/site/limits/set"};
}

std::optional<CommandAnswer> run_command(GatewayControl& gw, const std::string& prefix, const std::string& topic,
                                         const std::string& payload) {
  const std::string head = prefix + "/";
  const std::string tail = "/set";
  if (topic.size() <= head.size() + tail.size() || topic.compare(0, head.size(), head) != 0 ||
      topic.compare(topic.size() - tail.size(), tail.size(), tail) != 0)
    return std::nullopt;
  const std::string rest = topic.substr(head.size(), topic.size() - head.size() - tail.size());
  const std::string reply_topic = topic.substr(0, topic.size() - tail.size()) + "/result";
  if (rest == "site/limits") return CommandAnswer{reply_topic, answer(command_site_limits(gw, as_body(payload, "mains_limit", true)))};

  // charger/<id>/<command>
  const std::string kind = "charger/";
  const auto slash = rest.rfind('/');
  if (rest.compare(0, kind.size(), kind) != 0 || slash == std::string::npos || slash <= kind.size())
    return std::nullopt;
  const std::string id = rest.substr(kind.size(), slash - kind.size());
  const std::string command = rest.substr(slash + 1);
  if (id.find('/') != std::string::npos) return std::nullopt;
  CommandReply r;
  if (command == "mode") r = command_mode(gw, id, as_body(payload, "mode", false));
  else if (command == "limit") r = command_limit(gw, id, as_body(payload, "max_current", true));
  else if (command == "start") r = command_start(gw, id);
  else if (command == "stop") r = command_stop(gw, id);
  else r = {404, json{{"error", "no command '" + command + "'; use mode, limit, start or stop"}, {"field", nullptr}}};
  return CommandAnswer{reply_topic, answer(r)};
}

}  // namespace ampgate::api::mqtt
