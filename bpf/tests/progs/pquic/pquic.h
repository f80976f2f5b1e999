/* SPDX-License-Identifier: MIT */
/*
 * The PQUIC pluglet ABI as seen from a pluglet's C source: opaque host types,
 * the helpers a pluglet calls by name, and the access keys of the getters and
 * setters.  Written from docs/pquic-abi.md (§2 objects, §4 helpers) and the
 * access-key table pquic-access-keys.tsv; compiled with clang -target bpf.
 *
 * Every helper is an undefined extern: clang emits "call -1" with an
 * R_BPF_64_32 relocation naming it, which is how PQUIC's loader binds helpers
 * (by name, never by number).  Only freestanding headers are used.
 */
#ifndef PDS_TEST_PQUIC_H
#define PDS_TEST_PQUIC_H

#include <stddef.h>

/*
 * Fixed-width types from the compiler's own macros: a -target bpf build is
 * hosted, so <stdint.h> would pull in the C library's headers.
 */
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __UINTPTR_TYPE__ uintptr_t;

/* ------------------------------------------------------------------ types */

typedef uint64_t protoop_arg_t;
typedef uint16_t access_key_t;
typedef uint16_t param_id_t;

/* Host objects are opaque: a pluglet reaches their fields only through helpers (§3). */
typedef struct st_picoquic_cnx_t picoquic_cnx_t;
typedef struct st_picoquic_path_t picoquic_path_t;
typedef struct st_picoquic_packet_context_t picoquic_packet_context_t;
typedef struct st_picoquic_packet_t picoquic_packet_t;
typedef struct st_picoquic_sack_item_t picoquic_sack_item_t;
typedef struct st_picoquic_stream_head_t picoquic_stream_head_t;
typedef struct st_picoquic_packet_header_t picoquic_packet_header_t;
typedef struct st_protoop_id_t protoop_id_t;

/* Argument block of plugin_run_protoop: which protoop, its param and its inputs. */
typedef struct {
	protoop_id_t *pid;
	param_id_t param;
	int inputc;
	protoop_arg_t *inputv;
	protoop_arg_t *outputv;
	uint8_t caller_is_intern;
} protoop_params_t;

/* The "no param" value of protoops that take none. */
#define NO_PARAM ((param_id_t)0xffff)

/* Notifications passed to congestion_algorithm_notify as its input 1. */
enum picoquic_congestion_notification_t {
	picoquic_congestion_notification_acknowledgement = 0,
	picoquic_congestion_notification_repeat = 1,
	picoquic_congestion_notification_timeout = 2,
	picoquic_congestion_notification_spurious_repeat = 3,
	picoquic_congestion_notification_rtt_measurement = 4,
	picoquic_congestion_notification_ecn_ec = 5,
	picoquic_congestion_notification_cwin_blocked = 6,
	picoquic_congestion_notification_reset = 7,
};

/* ------------------------------------------------------------------ helpers (§4) */

/* Getters and setters of host state. */
extern protoop_arg_t get_cnx(picoquic_cnx_t *cnx, access_key_t ak, uint16_t param);
extern void set_cnx(picoquic_cnx_t *cnx, access_key_t ak, uint16_t param, protoop_arg_t val);
extern protoop_arg_t get_path(picoquic_path_t *path, access_key_t ak, uint16_t param);
extern void set_path(picoquic_path_t *path, access_key_t ak, uint16_t param, protoop_arg_t val);
extern protoop_arg_t get_pkt_ctx(picoquic_packet_context_t *pc, access_key_t ak);
extern void set_pkt_ctx(picoquic_packet_context_t *pc, access_key_t ak, protoop_arg_t val);
extern protoop_arg_t get_pkt(picoquic_packet_t *pkt, access_key_t ak);
extern void set_pkt(picoquic_packet_t *pkt, access_key_t ak, protoop_arg_t val);
extern protoop_arg_t get_sack_item(picoquic_sack_item_t *item, access_key_t ak);
extern void set_sack_item(picoquic_sack_item_t *item, access_key_t ak, protoop_arg_t val);
extern protoop_arg_t get_stream_head(picoquic_stream_head_t *sh, access_key_t ak);
extern void set_stream_head(picoquic_stream_head_t *sh, access_key_t ak, protoop_arg_t val);
extern protoop_arg_t get_ph(picoquic_packet_header_t *ph, access_key_t ak);

/* Per-plugin metadata slots kept by the host. */
extern protoop_arg_t get_cnx_metadata(picoquic_cnx_t *cnx, int idx);
extern void set_cnx_metadata(picoquic_cnx_t *cnx, int idx, protoop_arg_t val);
extern protoop_arg_t get_path_metadata(picoquic_cnx_t *cnx, picoquic_path_t *path, int idx);
extern void set_path_metadata(picoquic_cnx_t *cnx, picoquic_path_t *path, int idx,
			      protoop_arg_t val);
extern protoop_arg_t get_pkt_ctx_metadata(picoquic_cnx_t *cnx, picoquic_packet_context_t *pc,
					  int idx);
extern void set_pkt_ctx_metadata(picoquic_cnx_t *cnx, picoquic_packet_context_t *pc, int idx,
				 protoop_arg_t val);
extern protoop_arg_t get_pkt_metadata(picoquic_cnx_t *cnx, picoquic_packet_t *pkt, int idx);
extern void set_pkt_metadata(picoquic_cnx_t *cnx, picoquic_packet_t *pkt, int idx,
			     protoop_arg_t val);

/* Plugin memory: pointers into the plugin's own 16 MiB heap. */
extern void *my_malloc(picoquic_cnx_t *cnx, unsigned int size);
extern void my_free(picoquic_cnx_t *cnx, void *ptr);
extern void *my_realloc(picoquic_cnx_t *cnx, void *ptr, unsigned int size);
/* No bounds check at all (§4): dst must be proven to be stack or plugin memory. */
extern void *my_memcpy(void *dst, const void *src, size_t n);
extern void *my_memset(void *dst, int c, size_t n);

/* Runs any protoop by name; its effects are that protoop's. */
extern protoop_arg_t plugin_run_protoop(picoquic_cnx_t *cnx, protoop_params_t *pp, char *pid,
					protoop_id_t *pidid);
extern int plugin_pluglet_exists(picoquic_cnx_t *cnx, protoop_id_t *pid, param_id_t param,
				 int anchor);

/* Read-only helpers. */
extern uint64_t picoquic_current_time(void);
extern size_t strlen(const char *s);
extern int strncmp(const char *a, const char *b, size_t n);
extern int memcmp(const void *a, const void *b, size_t n);
extern uint16_t my_htons(uint16_t x);
extern uint16_t my_ntohs(uint16_t x);
extern uint8_t *picoquic_varint_decode(const uint8_t *bytes, size_t max_bytes, uint64_t *n64);
extern int picoquic_is_sending_authorized_by_pacing(picoquic_path_t *path, uint64_t now,
						    uint64_t *next_time);

/* Write only through their destination pointer. */
extern int snprintf(char *buf, size_t size, const char *fmt, ...);
extern size_t picoquic_varint_encode(uint8_t *bytes, size_t max_bytes, uint64_t n64);

/* Host functions that change connection state. */
extern int reserve_frames(picoquic_cnx_t *cnx, uint8_t nb_frames, void *slots);
extern void picoquic_reinsert_cnx_by_wake_time(picoquic_cnx_t *cnx, uint64_t next_time);
extern void picoquic_update_pacing_data(picoquic_path_t *path);
extern int helper_protoop_printf(picoquic_cnx_t *cnx, const char *fmt, protoop_arg_t *args,
				 size_t argc);

/* Reads input i of the running protoop (§4: AK_CNX_INPUT, i). */
#define PQUIC_INPUT(cnx, i) get_cnx((cnx), AK_CNX_INPUT, (i))
/* Writes output i of the running protoop. */
#define PQUIC_OUTPUT(cnx, i, v) set_cnx((cnx), AK_CNX_OUTPUT, (i), (protoop_arg_t)(v))

/* ------------------------------------------------------------------ access keys */

/* Connection: get_cnx / set_cnx. */
#define AK_CNX_INPUT 0x00
#define AK_CNX_OUTPUT 0x01
#define AK_CNX_PROPOSED_VERSION 0x02
#define AK_CNX_IS_0RTT_ACCEPTED 0x03
#define AK_CNX_REMOTE_PARMETERS_RECEIVED 0x04
#define AK_CNX_CURRENT_SPIN 0x05
#define AK_CNX_CLIENT_MODE 0x06
#define AK_CNX_PREV_SPIN 0x07
#define AK_CNX_SPIN_VEC 0x08
#define AK_CNX_SPIN_EDGE 0x09
#define AK_CNX_SPIN_LAST_TRIGGER 0x0a
#define AK_CNX_LOCAL_PARAMETER 0x0b
#define AK_CNX_REMOTE_PARAMETER 0x0c
#define AK_CNX_MAX_EARLY_DATA_SIZE 0x0d
#define AK_CNX_STATE 0x0e
#define AK_CNX_INITIAL_CID 0x0f
#define AK_CNX_START_TIME 0x10
#define AK_CNX_APPLICATION_ERROR 0x11
#define AK_CNX_LOCAL_ERROR 0x12
#define AK_CNX_REMOTE_APPLICATION_ERROR 0x13
#define AK_CNX_REMOTE_ERROR 0x14
#define AK_CNX_OFFENDING_FRAME_TYPE 0x15
#define AK_CNX_NEXT_WAKE_TIME 0x16
#define AK_CNX_LATEST_PROGRESS_TIME 0x17
#define AK_CNX_NB_PATH_CHALLENGE_SENT 0x18
#define AK_CNX_NB_PATH_RESPONSE_RECEIVED 0x19
#define AK_CNX_NB_ZERO_RTT_SENT 0x1a
#define AK_CNX_NB_ZERO_RTT_ACKED 0x1b
#define AK_CNX_NB_RETRANSMISSION_TOTAL 0x1c
#define AK_CNX_NB_SPURIOUS 0x1d
#define AK_CNX_DATA_SENT 0x24
#define AK_CNX_DATA_RECEIVED 0x25
#define AK_CNX_MAXDATA_LOCAL 0x26
#define AK_CNX_MAXDATA_REMOTE 0x27
#define AK_CNX_MAX_STREAM_ID_BIDIR_LOCAL 0x28
#define AK_CNX_MAX_STREAM_ID_UNIDIR_LOCAL 0x29
#define AK_CNX_MAX_STREAM_ID_BIDIR_REMOTE 0x2a
#define AK_CNX_MAX_STREAM_ID_UNIDIR_REMOTE 0x2b
#define AK_CNX_KEEP_ALIVE_INTERVAL 0x2c
#define AK_CNX_NB_PATHS 0x2d
#define AK_CNX_PATH 0x2e
#define AK_CNX_CONGESTION_CONTROL_ALGORITHM 0x2f
#define AK_CNX_TLS_STREAM 0x30
#define AK_CNX_CRYPTO_CONTEXT 0x31
#define AK_CNX_RETRY_TOKEN_LENGTH 0x32
#define AK_CNX_RETURN_VALUE 0x34
#define AK_CNX_RESERVED_FRAMES 0x35
#define AK_CNX_RETRY_FRAMES 0x36
#define AK_CNX_PLUGIN_REQUESTED 0x39
#define AK_CNX_PIDS_TO_REQUEST_SIZE 0x3a
#define AK_CNX_PIDS_TO_REQUEST 0x3b
#define AK_CNX_RTX_FRAMES 0x3c
#define AK_CNX_HANDSHAKE_DONE 0x3d
#define AK_CNX_HANDSHAKE_DONE_SENT 0x3e
#define AK_CNX_HANDSHAKE_DONE_ACKED 0x3f

/* Path: get_path / set_path. */
#define AK_PATH_PEER_ADDR 0x00
#define AK_PATH_PEER_ADDR_LEN 0x01
#define AK_PATH_LOCAL_ADDR 0x02
#define AK_PATH_LOCAL_ADDR_LEN 0x03
#define AK_PATH_IF_INDEX_LOCAL 0x04
#define AK_PATH_CHALLENGE 0x05
#define AK_PATH_CHALLENGE_TIME 0x06
#define AK_PATH_CHALLENGE_RESPONSE 0x07
#define AK_PATH_CHALLENGE_REPEAT_COUNT 0x08
#define AK_PATH_MTU_PROBE_SENT 0x09
#define AK_PATH_CHALLENGE_VERIFIED 0x0a
#define AK_PATH_CHALLENGE_RESPONSE_TO_SEND 0x0b
#define AK_PATH_PING_RECEIVED 0x0c
#define AK_PATH_MAX_ACK_DELAY 0x0d
#define AK_PATH_SMOOTHED_RTT 0x0e
#define AK_PATH_RTT_VARIANT 0x0f
#define AK_PATH_RETRANSMIT_TIMER 0x10
#define AK_PATH_RTT_MIN 0x11
#define AK_PATH_MAX_SPURIOUS_RTT 0x12
#define AK_PATH_MAX_REORDER_DELAY 0x13
#define AK_PATH_MAX_REORDER_GAP 0x14
#define AK_PATH_SEND_MTU 0x15
#define AK_PATH_SEND_MTU_MAX_TRIED 0x16
#define AK_PATH_CWIN 0x17
#define AK_PATH_BYTES_IN_TRANSIT 0x18
#define AK_PATH_CONGESTION_ALGORITHM_STATE 0x19
#define AK_PATH_PACKET_EVALUATION_TIME 0x1a
#define AK_PATH_PACING_BUCKET_NANO_SEC 0x1b
#define AK_PATH_PACING_BUCKET_MAX 0x1c
#define AK_PATH_PACING_PACKET_TIME_NANOSEC 0x1d
#define AK_PATH_LOCAL_CID 0x1e
#define AK_PATH_REMOTE_CID 0x1f
#define AK_PATH_RESET_SECRET 0x20
#define AK_PATH_PKT_CTX 0x21
#define AK_PATH_NB_PKT_SENT 0x22
#define AK_PATH_DELIVERED_LIMITED_INDEX 0x24
#define AK_PATH_PACING_PACKET_TIME_MICROSEC 0x25
#define AK_PATH_RTT_SAMPLE 0x26

/* Packet-number context: get_pkt_ctx / set_pkt_ctx. */
#define AK_PKTCTX_SEND_SEQUENCE 0x00
#define AK_PKTCTX_FIRST_SACK_ITEM 0x01
#define AK_PKTCTX_TIME_STAMP_LARGEST_RECEIVED 0x02
#define AK_PKTCTX_HIGHEST_ACK_SENT 0x03
#define AK_PKTCTX_HIGHEST_ACK_TIME 0x04
#define AK_PKTCTX_ACK_DELAY_LOCAL 0x05
#define AK_PKTCTX_NB_RETRANSMIT 0x06
#define AK_PKTCTX_LATEST_RETRANSMIT_TIME 0x07
#define AK_PKTCTX_HIGHEST_ACKNOWLEDGED 0x08
#define AK_PKTCTX_LATEST_TIME_ACKNOWLEDGED 0x09
#define AK_PKTCTX_RETRANSMIT_NEWEST 0x0a
#define AK_PKTCTX_RETRANSMIT_OLDEST 0x0b
#define AK_PKTCTX_RETRANSMITTED_NEWEST 0x0c
#define AK_PKTCTX_RETRANSMITTED_OLDEST 0x0d
#define AK_PKTCTX_ACK_NEEDED 0x0e
#define AK_PKTCTX_LATEST_RETRANSMIT_CC_NOTIFICATION_TIME 0x0f

/* Packet: get_pkt / set_pkt. */
#define AK_PKT_PREVIOUS_PACKET 0x00
#define AK_PKT_NEXT_PACKET 0x01
#define AK_PKT_SEND_PATH 0x02
#define AK_PKT_SEQUENCE_NUMBER 0x03
#define AK_PKT_SEND_TIME 0x04
#define AK_PKT_LENGTH 0x05
#define AK_PKT_CHECKSUM_OVERHEAD 0x06
#define AK_PKT_OFFSET 0x07
#define AK_PKT_TYPE 0x08
#define AK_PKT_CONTEXT 0x09
#define AK_PKT_IS_PURE_ACK 0x0b
#define AK_PKT_CONTAINS_CRYPTO 0x0c
#define AK_PKT_IS_CONGESTION_CONTROLLED 0x0d
#define AK_PKT_BYTES 0x0e
#define AK_PKT_IS_MTU_PROBE 0x10
#define AK_PKT_HAS_HANDSHAKE_DONE 0x15

/* SACK item: get_sack_item / set_sack_item. */
#define AK_SACKITEM_NEXT_SACK 0x00
#define AK_SACKITEM_START_RANGE 0x01
#define AK_SACKITEM_END_RANGE 0x02

/* Connection id: get_cnxid / set_cnxid. */
#define AK_CNXID_ID 0x00
#define AK_CNXID_LEN 0x01

/* Stream head: get_stream_head / set_stream_head. */
#define AK_STREAMHEAD_SEND_QUEUE 0x00
#define AK_STREAMHEAD_CONSUMED_OFFSET 0x01
#define AK_STREAMHEAD_FLAGS_FIN_REQUESTED 0x09
#define AK_STREAMHEAD_FLAGS_FIN_SENT 0x0a
#define AK_STREAMHEAD_FLAGS_FIN_RECEIVED 0x0b
#define AK_STREAMHEAD_FLAGS_FIN_SIGNALLED 0x0c
#define AK_STREAMHEAD_FLAGS_RESET_REQUESTED 0x0d
#define AK_STREAMHEAD_FLAGS_RESET_SENT 0x0e
#define AK_STREAMHEAD_FLAGS_RESET_RECEIVED 0x0f
#define AK_STREAMHEAD_FLAGS_RESET_SIGNALLED 0x10
#define AK_STREAMHEAD_FLAGS_STOP_SENDING_REQUESTED 0x11
#define AK_STREAMHEAD_FLAGS_STOP_SENDING_SENT 0x12
#define AK_STREAMHEAD_FLAGS_STOP_SENDING_RECEIVED 0x13
#define AK_STREAMHEAD_FLAGS_STOP_SENDING_SIGNALLED 0x14
#define AK_STREAMHEAD_FLAGS_MAX_STREAM_UPDATED 0x15

/* Crypto context: get_crypto_context. */
#define AK_CRYPTOCONTEXT_AEAD_ENCRYPTION 0x00

/* Packet header: get_ph. */
#define AK_PH_DESTINATION_CNXID 0x00

/* Plugin request: get_preq / set_preq. */
#define AK_PIDREQ_PID_ID 0x00
#define AK_PIDREQ_PLUGIN_NAME 0x01
#define AK_PIDREQ_REQUESTED 0x02

#endif
