#include "api/mqtt/bridge.h"

#include <mosquitto.h>

#include <fstream>

#include "api/json_view.h"
#include "api/mqtt/command_topics.h"
#include "api/mqtt/discovery.h"
#include "gateway/log.h"

namespace ampgate::api::mqtt {

namespace {

// A broker that takes nothing for this many messages is slow: rounds are skipped (and the
// whole state sent again later) rather than queued in memory.
constexpr int max_in_flight = 2000;
constexpr int keepalive_seconds = 30;

std::once_flag library_init;

}  // namespace

Bridge::Bridge(GatewayControl& gateway, config::Mqtt settings, double control_period)
    : gateway_(gateway), settings_(std::move(settings)), period_(control_period), events_since_(WallClock::now()) {}

Bridge::~Bridge() { stop(); }

std::optional<std::string> Bridge::start() {
  std::call_once(library_init, [] { mosquitto_lib_init(); });
  std::string password;
  if (!settings_.password_file.empty()) {
    std::ifstream in(settings_.password_file);
    if (!in || !std::getline(in, password))
      return "cannot read the MQTT password file '" + settings_.password_file + "'";
  }
  client_ = mosquitto_new(settings_.client_id.c_str(), true, this);
  if (!client_) return "cannot create an MQTT client";
  mosquitto_int_option(client_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  const std::string status = status_topic(settings_.topic_prefix);
  mosquitto_will_set(client_, status.c_str(), 7, "offline", settings_.qos, true);
  if (!settings_.username.empty())
    mosquitto_username_pw_set(client_, settings_.username.c_str(), password.empty() ? nullptr : password.c_str());
  if (!settings_.ca_file.empty()) {
    const int rc = mosquitto_tls_set(client_, settings_.ca_file.c_str(), nullptr,
                                     settings_.cert_file.empty() ? nullptr : settings_.cert_file.c_str(),
                                     settings_.key_file.empty() ? nullptr : settings_.key_file.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(client_);
      client_ = nullptr;
      return std::string("MQTT TLS files not usable: ") + mosquitto_strerror(rc);
    }
  }
  mosquitto_reconnect_delay_set(client_, 1, 60, true);  // 1 s doubling up to a minute
  mosquitto_connect_callback_set(client_, on_connect);
  mosquitto_disconnect_callback_set(client_, on_disconnect);
  mosquitto_message_callback_set(client_, on_message);
  mosquitto_publish_callback_set(client_, on_publish);
  const int rc = mosquitto_connect_async(client_, settings_.host.c_str(), settings_.port, keepalive_seconds);
  if (rc != MOSQ_ERR_SUCCESS)  // e.g. connection refused: the network loop retries with backoff
    log::warning("mqtt", "broker not reachable yet", {{"host", settings_.host}, {"error", mosquitto_strerror(rc)}});
  mosquitto_loop_start(client_);
  publisher_ = std::thread([this] { run(); });
  log::info("mqtt", "started", {{"broker", settings_.host + ":" + std::to_string(settings_.port)},
                                {"prefix", settings_.topic_prefix}});
  return std::nullopt;
}

void Bridge::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !client_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  // A clean stop says so at once (the broker would otherwise wait for the keep-alive).
  const std::string status = status_topic(settings_.topic_prefix);
  mosquitto_publish(client_, nullptr, status.c_str(), 7, "offline", settings_.qos, true);
  mosquitto_disconnect(client_);
  mosquitto_loop_stop(client_, false);
  mosquitto_destroy(client_);
  client_ = nullptr;
}

void Bridge::on_connect(mosquitto* m, void* self, int rc) {
  auto* b = static_cast<Bridge*>(self);
  if (rc != 0) {
    log::warning("mqtt", "broker refused the connection", {{"error", mosquitto_connack_string(rc)}});
    return;
  }
  const std::string status = status_topic(b->settings_.topic_prefix);
  mosquitto_publish(m, nullptr, status.c_str(), 6, "online", b->settings_.qos, true);
  for (const auto& filter : command_filters(b->settings_.topic_prefix))
    mosquitto_subscribe(m, nullptr, filter.c_str(), b->settings_.qos);
  if (!b->settings_.discovery_prefix.empty())
    mosquitto_subscribe(m, nullptr, (b->settings_.discovery_prefix + "/status").c_str(), b->settings_.qos);
  {
    std::lock_guard lock(b->mutex_);
    b->connected_ = true;
    b->resend_all_ = true;
    b->resend_discovery_ = true;
    b->in_flight_ = 0;
    b->wake_now_ = true;
  }
  log::info("mqtt", "connected", {{"broker", b->settings_.host + ":" + std::to_string(b->settings_.port)}});
  b->wake_.notify_all();
}

void Bridge::on_disconnect(mosquitto*, void* self, int rc) {
  auto* b = static_cast<Bridge*>(self);
  bool was = false;
  {
    std::lock_guard lock(b->mutex_);
    was = b->connected_;
    b->connected_ = false;
  }
  if (was && rc != 0) log::warning("mqtt", "connection lost; reconnecting", {{"error", mosquitto_strerror(rc)}});
}

void Bridge::on_publish(mosquitto*, void* self, int) {
  auto* b = static_cast<Bridge*>(self);
  std::lock_guard lock(b->mutex_);
  if (b->in_flight_ > 0) --b->in_flight_;
}

// On libmosquitto's network thread: a command waits (bounded) for the control loop to take
// it, which holds up only this client's network loop, never the control loop.
void Bridge::on_message(mosquitto*, void* self, const mosquitto_message* msg) {
  auto* b = static_cast<Bridge*>(self);
  const std::string topic = msg->topic ? msg->topic : "";
  const std::string payload(static_cast<const char*>(msg->payload), static_cast<std::size_t>(msg->payloadlen));
  if (!b->settings_.discovery_prefix.empty() && topic == b->settings_.discovery_prefix + "/status") {
    if (payload == "online") {  // Home Assistant restarted: it needs the discovery again
      std::lock_guard lock(b->mutex_);
      b->resend_discovery_ = true;
      b->resend_all_ = true;
      b->wake_now_ = true;
      b->wake_.notify_all();
    }
    return;
  }
  auto answer = run_command(b->gateway_, b->settings_.topic_prefix, topic, payload);
  if (!answer) return;
  log::info("mqtt", "command", {{"topic", topic}, {"answer", answer->payload}});
  b->publish(answer->topic, answer->payload, false);
}

void Bridge::publish(const std::string& topic, const std::string& payload, bool retain) {
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  const int rc = mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), settings_.qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    std::lock_guard lock(mutex_);
    if (in_flight_ > 0) --in_flight_;
    resend_all_ = true;
  }
}

void Bridge::publish_round() {
  bool all = false, discovery = false;
  {
    std::lock_guard lock(mutex_);
    if (!connected_) return;
    if (in_flight_ > max_in_flight) {  // the broker is not taking what we send: skip, resend later
      resend_all_ = true;
      return;
    }
    all = resend_all_;
    discovery = resend_discovery_;
    resend_all_ = resend_discovery_ = false;
  }
  const std::uint64_t version = gateway_.version();
  if (!all && !discovery && version == last_version_) return publish_events();
  last_version_ = version;
  const SiteView site = gateway_.site();
  if (discovery && !settings_.discovery_prefix.empty())
    for (const auto& [topic, doc] : discovery_topics(site, settings_.topic_prefix, settings_.discovery_prefix))
      publish(topic, doc, true);
  for (const auto& [topic, text] : changes(state_topics(site, settings_.topic_prefix), last_, all))
    publish(topic, text, settings_.retain || text.empty());
  publish_events();
}

// Events since the last round on <prefix>/events, one JSON message each, not retained.
void Bridge::publish_events() {
  EventQuery q;
  q.from = events_since_;
  auto rows = gateway_.events(q);  // newest first
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    const std::string text = to_json(*it).dump();
    if (it->time == events_since_ && events_seen_.count(text)) continue;
    if (it->time > events_since_) {
      events_since_ = it->time;
      events_seen_.clear();
    }
    events_seen_.insert(text);
    publish(settings_.topic_prefix + "/events", text, false);
  }
}

void Bridge::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    publish_round();
    lock.lock();
    wake_.wait_for(lock, period_, [this] { return stopping_ || wake_now_; });
    wake_now_ = false;
  }
}

}  // namespace ampgate::api::mqtt
