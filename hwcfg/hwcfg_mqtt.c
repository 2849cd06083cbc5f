#include "hwcfg_mqtt.h"

gboolean
hwcfg_mqtt_apply (struct mosquitto *mosq, const struct hwcfg_mqtt *cfg, GError **error)
{
  int rc = MOSQ_ERR_SUCCESS;
  if (cfg->username)
    rc = mosquitto_username_pw_set (mosq, cfg->username, cfg->password);
  if (rc == MOSQ_ERR_SUCCESS && cfg->tls_ca)
    rc = mosquitto_tls_set (mosq, cfg->tls_ca, NULL, cfg->tls_cert, cfg->tls_key, NULL);
  if (rc != MOSQ_ERR_SUCCESS) {
    g_set_error (error, HWCFG_ERROR, HWCFG_ERROR_INVALID, "[mqtt]: %s", mosquitto_strerror (rc));
    return FALSE;
  }
  return TRUE;
}

const char *
hwcfg_mqtt_connack_text (int rc)
{
  return rc < 128 ? mosquitto_connack_string (rc) : mosquitto_reason_string (rc);
}
