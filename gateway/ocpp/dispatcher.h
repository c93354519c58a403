#pragma once
// Answers the calls a charge point makes (OCPP 1.6 section 4), without any I/O: a CALL
// goes in, the CALLRESULT or CALLERROR to send comes out, together with the typed message
// the daemon is told about. The WebSocket server (server.h) feeds it.
#include <chrono>
#include <functional>
#include <optional>
#include <variant>

#include "gateway/ocpp/charger_messages.h"

namespace ampgate::ocpp {

using Incoming = std::variant<BootNotification, Heartbeat, StatusNotification, Authorize, StartTransaction,
                              StopTransaction, MeterValues, DataTransfer>;

class Dispatcher {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // `heartbeat_interval_s` goes out in BootNotification.conf. Transaction ids count up from
  // `first_transaction_id` (the daemon seeds it from storage so that ids stay unique).
  Dispatcher(int heartbeat_interval_s, Clock clock, int first_transaction_id = 1);

  struct Outcome {
    Frame reply;
    std::optional<Incoming> message;      // a well-formed request
    std::optional<ErrorCode> refused;     // set when the reply is a CALLERROR
  };
  Outcome handle(const Call& call);

  int next_transaction_id() const { return next_transaction_id_; }

 private:
  int heartbeat_interval_s_;
  Clock clock_;
  int next_transaction_id_;
};

}  // namespace ampgate::ocpp
