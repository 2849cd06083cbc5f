/* test_broker — a real mosquitto broker for a test: on a free loopback port,
 * in a temporary directory, stopped by its process id. */
#ifndef CW_TEST_BROKER_H
#define CW_TEST_BROKER_H

#include <glib.h>

struct test_broker {
  GPid pid;
  int port;
  char *dir;
};

/* A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice
 * for port 0). */
int test_free_port (void);

/* Starts the broker and waits until it accepts connections (aborts the
 * test when mosquitto is missing or does not come up). */
void test_broker_start (struct test_broker *b);
void test_broker_stop (struct test_broker *b);

/* Publishes PAYLOAD on TOPIC with QoS 1 and waits for the broker's ack. */
void test_broker_publish (struct test_broker *b, const char *topic, const char *payload);

#endif
