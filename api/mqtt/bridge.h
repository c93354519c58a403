#pragma once
// The gateway on an MQTT broker (libmosquitto): state on change, at most once per control
// period; commands through api/commands.h; Home Assistant discovery; `online` on connect and
// `offline` as the last will. It runs on its own threads (libmosquitto's network loop and one
// publisher) and only reads the gateway's published view, so a slow or absent broker never
// holds up the control loop. Nothing is queued without bound: while disconnected nothing is
// published (the whole state goes out again on reconnect), and while the broker is slow to
// take what was sent, rounds are skipped.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "api/gateway_view.h"
#include "api/mqtt/state_topics.h"
#include "gateway/config.h"

struct mosquitto;
struct mosquitto_message;

namespace ampgate::api::mqtt {

class Bridge {
 public:
  Bridge(GatewayControl& gateway, config::Mqtt settings, double control_period);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Starts connecting in the background; an error a user must fix (an unreadable password
  // file, a TLS file) comes back as a sentence and nothing is started.
  std::optional<std::string> start();
  void stop();  // publishes `offline`, disconnects, joins its threads

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_publish(mosquitto*, void* self, int mid);
  void publish(const std::string& topic, const std::string& payload, bool retain);
  void publish_round();
  void publish_events();
  void run();

  GatewayControl& gateway_;
  const config::Mqtt settings_;
  const std::chrono::duration<double> period_;
  mosquitto* client_ = nullptr;
  std::thread publisher_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool connected_ = false;
  bool resend_all_ = true;    // after a (re)connect or a skipped round
  bool resend_discovery_ = true;
  bool wake_now_ = false;     // publish at once, not at the end of the period
  int in_flight_ = 0;         // published, not yet handed to the broker
  Topics last_;               // what the broker holds (retained)
  std::uint64_t last_version_ = 0;
  WallTime events_since_;
  std::set<std::string> events_seen_;  // those at events_since_, not to send twice
};

}  // namespace ampgate::api::mqtt
