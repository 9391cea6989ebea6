// SPDX-License-Identifier: MIT
/* kmod_net.c - the network device class adapter: a Linux net_device on
 * top of every net::nic object a driver serves (dsl/std/net.idl), so that
 * ip, ping and TCP are the driver's clients too (docs/drivers.md,
 * "Network drivers").
 *
 * The adapter is an ordinary kernel client of the protocol (drv_client.h),
 * through the generated stubs (generated/std/net_nic_client.c), with two
 * connections, as a client's request buffer is one caller's at a time:
 * the data path's (sends and receives, started under start_lock, in any
 * context) and the control path's (calls that wait for their answer, in
 * process context, under control_lock).
 *
 *   transmit  each frame is one send call with the skb's own bytes as the
 *             page buffer (a linear skb), or a copy of them in the slot's
 *             buffer (an skb in pieces). The driver answers at once when
 *             its ring took the frame; when the ring is full it holds the
 *             call, and the queue stops until it answers.
 *   offloads  what info's offloads say the device does (checksums, TCP
 *             segmentation) become the interface's features, and every
 *             frame goes by send_offloaded with what its skb asks (nothing,
 *             on a device without offloads, whose driver then sends it as
 *             send would): the stack hands over 64 KiB TCP segments in
 *             pieces instead of 45 frames, as it does to Linux's drivers.
 *   receive   one receive call is always outstanding into a buffer of
 *             slots; its answer schedules NAPI, whose poll hands the frames
 *             to the stack and makes the next receive call. A receive the
 *             driver refuses (BUSY: a program's receive waits in it) goes
 *             again after DRV_KNET_RX_RETRY_MS, not at once.
 *   link      the link_changed event sets the carrier.
 *   rx mode   promiscuous and the multicast list, from a work item (the
 *             calls wait; ndo_set_rx_mode may not).
 *
 * A call's buffer stays the driver's until it answers, even past the
 * interface going down: the buffers and the net_device are freed only at
 * release, once the instance has answered every call and stopped.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/vmalloc.h>

#include "kmod.h"
#include "net_nic.h"

enum {
	DRV_KNET_TX_SLOTS = 4, /* sends at once: one may wait for a full ring */
	DRV_KNET_RX_SLOTS = 64,
	DRV_KNET_RX_RETRY_MS = 10,
};

/* Pages the driver may copy from or into (buf.data) or map for DMA
 * (buf.sgt), as a call's buffer. */
struct drv_knet_pages {
	struct page **pages;
	struct sg_table sgt;
	struct drv_buffer buf;
};

struct drv_knet_tx {
	struct net_nic_send_offloaded_call call;
	struct drv_knet *kn;
	struct sk_buff *skb; /* NULL: free */
	bool answered;
	struct drv_buffer buf;
	struct sg_table sgt;
	struct scatterlist sg;
	struct net_offloaded_frame frame;
	/* where an skb in pieces is copied: the longest frame the device takes */
	struct drv_knet_pages copy;
};

struct drv_knet {
	struct net_device *netdev;
	struct drv_object *obj;
	struct net_nic_client *client;  /* the data path's: sends, receives */
	spinlock_t start_lock;          /* its starts (xmit, NAPI) */
	struct net_nic_client *control; /* the calls that wait: info, link, rx mode, MTU */
	struct mutex control_lock;
	struct net_info info;
	struct napi_struct napi;
	struct work_struct rx_mode_work;

	struct drv_knet_tx tx[DRV_KNET_TX_SLOTS];

	/* the receive call and its buffer (rx_slots of rx_slot_size bytes);
	 * made by NAPI's poll only */
	struct net_nic_receive_call rx_call;
	bool rx_outstanding, rx_answered;
	bool rx_later;               /* refused: the next one when rx_retry fires */
	struct timer_list rx_retry;
	struct net_frame rx_frames[DRV_KNET_RX_SLOTS];
	u32 rx_count, rx_next;
	u32 rx_slots, rx_slot_size;
	struct drv_knet_pages rx_mem;
};

/* size bytes of zeroed pages, in the vmalloc space */
static int drv_knet_pages_alloc(struct drv_knet_pages *p, size_t size)
{
	size_t i, npages = DIV_ROUND_UP(size, PAGE_SIZE);
	void *mem = vzalloc(npages * PAGE_SIZE);

	p->buf = (struct drv_buffer){.data = mem, .size = size, .sgt = &p->sgt};
	p->pages = kcalloc(npages, sizeof(*p->pages), GFP_KERNEL);
	if (!mem || !p->pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		p->pages[i] = vmalloc_to_page((u8 *)mem + i * PAGE_SIZE);
	return sg_alloc_table_from_pages(&p->sgt, p->pages, npages, 0, size, GFP_KERNEL);
}

static void drv_knet_pages_free(struct drv_knet_pages *p)
{
	if (p->sgt.sgl)
		sg_free_table(&p->sgt);
	kfree(p->pages);
	vfree(p->buf.data);
}

/* ---- transmit ---- */

/* send's answer (under the instance lock, any context). */
static void drv_knet_sent(struct drv_pending *pending)
{
	struct drv_knet_tx *t = pending->ctx;
	struct net_device *dev = t->kn->netdev;
	u32 queued = 0;
	int st = net_nic_send_offloaded_finish(&t->call, &queued);

	if (st == 0 && queued == 1) {
		dev->stats.tx_packets += skb_shinfo(t->skb)->gso_segs ?: 1;
		dev->stats.tx_bytes += t->skb->len;
	} else if (st == NET_ERROR_LINK_DOWN || st < 0) {
		dev->stats.tx_dropped++;
	} else {
		dev->stats.tx_errors++;
	}
	dev_consume_skb_any(t->skb);
	WRITE_ONCE(t->answered, true);
	smp_mb(); /* the slot is free before the queue is seen stopped */
	WRITE_ONCE(t->skb, NULL);
	if (netif_queue_stopped(dev))
		netif_wake_queue(dev);
}

static struct drv_knet_tx *drv_knet_free_tx(struct drv_knet *kn)
{
	unsigned int i;

	for (i = 0; i < DRV_KNET_TX_SLOTS; i++)
		if (!READ_ONCE(kn->tx[i].skb))
			return &kn->tx[i];
	return NULL;
}

/* The call's buffer: a linear skb's own bytes, in the direct map, so that the driver may copy
 * from them or map them for DMA; an skb in pieces is copied to the slot's pages. */
static int drv_knet_tx_buffer(struct drv_knet_tx *t, struct sk_buff *skb)
{
	if (!skb_is_nonlinear(skb)) {
		sg_init_one(&t->sg, skb->data, skb->len);
		t->sgt = (struct sg_table){.sgl = &t->sg, .nents = 1, .orig_nents = 1};
		t->buf = (struct drv_buffer){.data = skb->data, .size = skb->len, .sgt = &t->sgt};
		return 0;
	}
	if (skb->len > t->copy.buf.size || skb_copy_bits(skb, 0, t->copy.buf.data, skb->len))
		return -EMSGSIZE;
	t->buf = t->copy.buf;
	t->buf.size = skb->len;
	return 0;
}

/* What the device is to do to the skb: net.idl's offload, which is what the skb says. */
static void drv_knet_offload(const struct sk_buff *skb, struct net_offload *o)
{
	*o = (struct net_offload){.segmentation = NET_SEGMENTATION_NONE};
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return;
	o->checksum = true;
	o->csum_start = (u16)skb_checksum_start_offset(skb);
	o->csum_offset = skb->csum_offset;
	if (!skb_is_gso(skb))
		return;
	/* the interface's features admit only these two */
	o->segmentation = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 ? NET_SEGMENTATION_TCP6 :
								       NET_SEGMENTATION_TCP4;
	o->header_length = (u16)skb_tcp_all_headers(skb);
	o->segment_size = skb_shinfo(skb)->gso_size;
}

static netdev_tx_t drv_knet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct drv_knet *kn = netdev_priv(dev);
	struct drv_knet_tx *t = drv_knet_free_tx(kn);
	int st;

	if (!t) {
		netif_stop_queue(dev);
		smp_mb();
		if (!drv_knet_free_tx(kn))
			return NETDEV_TX_BUSY;
		netif_wake_queue(dev);
		t = drv_knet_free_tx(kn);
	}
	if (drv_knet_tx_buffer(t, skb)) {
		dev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	t->frame.offset = 0;
	t->frame.length = skb->len;
	drv_knet_offload(skb, &t->frame.offload);
	memset(&t->call, 0, sizeof(t->call));
	t->call.pending.ctx = t;
	t->call.pending.done = drv_knet_sent;
	t->answered = false;
	t->skb = skb;
	spin_lock_bh(&kn->start_lock);
	st = net_nic_send_offloaded_start(kn->client, &t->buf, &t->frame, 1, &t->call);
	spin_unlock_bh(&kn->start_lock);
	if (st) {
		t->skb = NULL;
		dev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	/* Held: the ring is full. Nothing more until it answers (a second
	 * send would be BUSY); the answer wakes the queue. */
	if (!READ_ONCE(t->answered)) {
		netif_stop_queue(dev);
		smp_mb();
		if (READ_ONCE(t->answered))
			netif_wake_queue(dev);
	}
	return NETDEV_TX_OK;
}

/* ---- receive ---- */

/* receive's answer (under the instance lock, any context): the stack gets
 * the frames from NAPI. */
static void drv_knet_received(struct drv_pending *pending)
{
	struct drv_knet *kn = pending->ctx;

	WRITE_ONCE(kn->rx_answered, true);
	napi_schedule(&kn->napi);
}

/* The next receive after DRV_KNET_RX_RETRY_MS. */
static void drv_knet_rx_later(struct drv_knet *kn)
{
	WRITE_ONCE(kn->rx_later, true);
	mod_timer(&kn->rx_retry, jiffies + msecs_to_jiffies(DRV_KNET_RX_RETRY_MS));
}

static void drv_knet_rx_retry(struct timer_list *t)
{
	struct drv_knet *kn = from_timer(kn, t, rx_retry);

	WRITE_ONCE(kn->rx_later, false);
	napi_schedule(&kn->napi);
}

static void drv_knet_rx_start(struct drv_knet *kn)
{
	int st;

	memset(&kn->rx_call, 0, sizeof(kn->rx_call));
	kn->rx_call.pending.ctx = kn;
	kn->rx_call.pending.done = drv_knet_received;
	kn->rx_answered = false;
	kn->rx_outstanding = true;
	spin_lock_bh(&kn->start_lock);
	st = net_nic_receive_start(kn->client, &kn->rx_mem.buf, kn->rx_slots, kn->rx_slot_size,
				   &kn->rx_call);
	spin_unlock_bh(&kn->start_lock);
	if (st) {
		kn->rx_outstanding = false;
		netdev_err(kn->netdev, "cannot receive: %d\n", st);
		drv_knet_rx_later(kn);
	}
}

/* Takes the answered receive's frames; false when the device is gone (no
 * next receive). A refused receive goes again later: BUSY while a
 * program's receive waits in the driver, which answers it first. */
static bool drv_knet_rx_answer(struct drv_knet *kn)
{
	struct net_device *dev = kn->netdev;
	int st = net_nic_receive_finish(&kn->rx_call, kn->rx_frames, &kn->rx_count);

	kn->rx_outstanding = false;
	kn->rx_next = 0;
	if (st == 0)
		return true;
	kn->rx_count = 0;
	if (st == -DRV_STATUS_SHUTDOWN || st == -DRV_E_CONNECTION)
		return false;
	if (st != NET_ERROR_BUSY) {
		dev->stats.rx_errors++;
		netdev_warn_once(dev, "receive refused: %d\n", st);
	}
	drv_knet_rx_later(kn);
	return true;
}

static int drv_knet_poll(struct napi_struct *napi, int budget)
{
	struct drv_knet *kn = container_of(napi, struct drv_knet, napi);
	struct net_device *dev = kn->netdev;
	int work = 0;

	if (!budget)
		return 0; /* netpoll: only transmit completions, which this has not */
	if (READ_ONCE(kn->rx_answered) && kn->rx_outstanding && !drv_knet_rx_answer(kn)) {
		napi_complete_done(napi, 0); /* the device is gone */
		return 0;
	}
	while (kn->rx_next < kn->rx_count && work < budget) {
		const struct net_frame *f = &kn->rx_frames[kn->rx_next++];
		struct sk_buff *skb;

		if (f->offset > kn->rx_slots * kn->rx_slot_size || f->length < ETH_HLEN ||
		    f->length > kn->rx_slots * kn->rx_slot_size - f->offset) {
			dev->stats.rx_errors++; /* the driver broke the protocol */
			continue;
		}
		skb = napi_alloc_skb(napi, f->length);
		if (!skb) {
			dev->stats.rx_dropped++;
			continue;
		}
		skb_put_data(skb, (u8 *)kn->rx_mem.buf.data + f->offset, f->length);
		skb->protocol = eth_type_trans(skb, dev);
		dev->stats.rx_packets++;
		dev->stats.rx_bytes += f->length;
		napi_gro_receive(napi, skb);
		work++;
	}
	if (kn->rx_next < kn->rx_count)
		return budget; /* more next round */
	if (!kn->rx_outstanding && !READ_ONCE(kn->rx_later) && netif_running(dev))
		drv_knet_rx_start(kn);
	if (work < budget)
		napi_complete_done(napi, work);
	return work;
}

/* ---- the interface ---- */

static void drv_knet_link_changed(void *ctx, const struct net_link *link)
{
	struct drv_knet *kn = ctx;

	if (link->up)
		netif_carrier_on(kn->netdev);
	else
		netif_carrier_off(kn->netdev);
}

static int drv_knet_open(struct net_device *dev)
{
	struct drv_knet *kn = netdev_priv(dev);
	struct net_link link;
	int st;

	mutex_lock(&kn->control_lock);
	st = net_nic_link(kn->control, &link);
	mutex_unlock(&kn->control_lock);
	if (st)
		return -EIO;
	if (link.up)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	/* NAPI's poll makes the first receive, or delivers the one answered
	 * while the interface was down */
	WRITE_ONCE(kn->rx_later, false);
	napi_enable(&kn->napi);
	napi_schedule(&kn->napi);
	netif_start_queue(dev);
	return 0;
}

/* The receive stays with the driver (it answers when frames come); its
 * answer waits for the next open. */
static int drv_knet_stop(struct net_device *dev)
{
	struct drv_knet *kn = netdev_priv(dev);

	netif_stop_queue(dev);
	napi_disable(&kn->napi);
	cancel_work_sync(&kn->rx_mode_work);
	return 0;
}

static void drv_knet_rx_mode_work(struct work_struct *work)
{
	struct drv_knet *kn = container_of(work, struct drv_knet, rx_mode_work);
	struct net_device *dev = kn->netdev;
	struct net_address addrs[32];
	struct netdev_hw_addr *ha;
	u32 n = 0;
	bool all;

	netif_addr_lock_bh(dev);
	all = (dev->flags & (IFF_PROMISC | IFF_ALLMULTI)) || netdev_mc_count(dev) > 32;
	netdev_for_each_mc_addr(ha, dev) {
		if (n == ARRAY_SIZE(addrs))
			break;
		memcpy(addrs[n++].octets, ha->addr, ETH_ALEN);
	}
	netif_addr_unlock_bh(dev);
	mutex_lock(&kn->control_lock);
	if (net_nic_set_promiscuous(kn->control, all))
		netdev_warn(dev, "promiscuous %s refused\n", all ? "on" : "off");
	if (!all && net_nic_set_multicast(kn->control, addrs, n))
		netdev_warn(dev, "multicast list of %u refused\n", n);
	mutex_unlock(&kn->control_lock);
}

static void drv_knet_set_rx_mode(struct net_device *dev)
{
	struct drv_knet *kn = netdev_priv(dev);

	schedule_work(&kn->rx_mode_work);
}

static int drv_knet_change_mtu(struct net_device *dev, int mtu)
{
	struct drv_knet *kn = netdev_priv(dev);
	int st;

	mutex_lock(&kn->control_lock);
	st = net_nic_set_mtu(kn->control, (u32)mtu);
	mutex_unlock(&kn->control_lock);
	if (st)
		return st == NET_ERROR_UNSUPPORTED ? -EINVAL : -EIO;
	dev->mtu = mtu;
	return 0;
}

static const struct net_device_ops drv_knet_ops = {
	.ndo_open = drv_knet_open,
	.ndo_stop = drv_knet_stop,
	.ndo_start_xmit = drv_knet_xmit,
	.ndo_set_rx_mode = drv_knet_set_rx_mode,
	.ndo_change_mtu = drv_knet_change_mtu,
	.ndo_validate_addr = eth_validate_addr,
};

/* ---- attach and release ---- */

/* The receive buffer: rx_slots frames of the largest MTU. */
static int drv_knet_rx_buffer(struct drv_knet *kn)
{
	kn->rx_slots = min_t(u32, kn->info.max_batch, DRV_KNET_RX_SLOTS);
	kn->rx_slot_size = ALIGN(kn->info.max_mtu + ETH_HLEN + VLAN_HLEN, 64);
	return drv_knet_pages_alloc(&kn->rx_mem, (size_t)kn->rx_slots * kn->rx_slot_size);
}

/* Each send slot's copy: the longest frame the device sends, cut or not. */
static int drv_knet_tx_buffers(struct drv_knet *kn)
{
	size_t size = max_t(size_t, kn->info.max_mtu + ETH_HLEN + VLAN_HLEN,
			    kn->info.offloads.max_segmented);
	unsigned int i;
	int st;

	for (i = 0; i < DRV_KNET_TX_SLOTS; i++) {
		st = drv_knet_pages_alloc(&kn->tx[i].copy, size);
		if (st)
			return st;
	}
	return 0;
}

/* The interface's features: what the device does to the frames it sends. Pieces (SG) need the
 * checksum, and segmentation needs pieces; the stack drops what lacks what it needs. */
static void drv_knet_features(struct drv_knet *kn)
{
	const struct net_offloads *o = &kn->info.offloads;
	struct net_device *dev = kn->netdev;

	if (o->checksum)
		dev->hw_features |= NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM;
	if (o->checksum && o->tcp4 && o->max_segmented > dev->mtu)
		dev->hw_features |= NETIF_F_TSO;
	if (o->checksum && o->tcp6 && o->max_segmented > dev->mtu)
		dev->hw_features |= NETIF_F_TSO6;
	dev->features |= dev->hw_features;
	if (dev->hw_features & (NETIF_F_TSO | NETIF_F_TSO6))
		netif_set_tso_max_size(dev, o->max_segmented);
}

static bool drv_knet_info_usable(struct drv_kinst *inst, const struct net_info *info)
{
	if (!is_valid_ether_addr(info->address.octets) || info->mtu < ETH_MIN_MTU ||
	    info->max_mtu < info->mtu || info->max_mtu > 65535 || !info->max_batch) {
		dev_err(inst->dev, "%s: net::nic info is not an Ethernet device: %pM, mtu %u..%u, batch %u\n",
			inst->name, info->address.octets, info->mtu, info->max_mtu, info->max_batch);
		return false;
	}
	return true;
}

static void drv_knet_free(struct drv_knet *kn)
{
	unsigned int i;

	for (i = 0; i < DRV_KNET_TX_SLOTS; i++)
		drv_knet_pages_free(&kn->tx[i].copy);
	drv_knet_pages_free(&kn->rx_mem);
	net_nic_disconnect(kn->client);
	net_nic_disconnect(kn->control);
	free_netdev(kn->netdev);
}

int drv_knet_attach(struct drv_object *obj)
{
	struct drv_kinst *inst = obj->inst;
	struct net_device *dev = alloc_etherdev(sizeof(struct drv_knet));
	struct drv_knet *kn;
	unsigned int i;
	int st;

	if (!dev)
		return -ENOMEM;
	kn = netdev_priv(dev);
	kn->netdev = dev;
	kn->obj = obj;
	spin_lock_init(&kn->start_lock);
	mutex_init(&kn->control_lock);
	INIT_WORK(&kn->rx_mode_work, drv_knet_rx_mode_work);
	timer_setup(&kn->rx_retry, drv_knet_rx_retry, 0);
	for (i = 0; i < DRV_KNET_TX_SLOTS; i++)
		kn->tx[i].kn = kn;
	if (drv_kclient_open(obj, GFP_ATOMIC, (struct drv_client **)&kn->client) ||
	    drv_kclient_open(obj, GFP_KERNEL, (struct drv_client **)&kn->control)) {
		st = -ENOMEM;
		goto fail;
	}
	st = net_nic_info(kn->control, &kn->info);
	if (st || !drv_knet_info_usable(inst, &kn->info)) {
		if (st)
			dev_err(inst->dev, "%s: net::nic info: %d\n", inst->name, st);
		st = -EIO;
		goto fail;
	}
	st = drv_knet_rx_buffer(kn);
	if (!st)
		st = drv_knet_tx_buffers(kn);
	if (st)
		goto fail;
	eth_hw_addr_set(dev, kn->info.address.octets);
	dev->mtu = kn->info.mtu;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = kn->info.max_mtu;
	dev->netdev_ops = &drv_knet_ops;
	drv_knet_features(kn);
	/* <driver><number>, as the misc device's name */
	strscpy(dev->name, obj->misc.name, IFNAMSIZ);
	SET_NETDEV_DEV(dev, inst->dev);
	netif_napi_add(dev, &kn->napi, drv_knet_poll);
	netif_carrier_off(dev);
	net_nic_on_link_changed(kn->control, drv_knet_link_changed, kn);
	st = register_netdev(dev);
	if (st)
		goto fail;
	obj->adapter = kn;
	netdev_info(dev, "%s: %pM, mtu %u (up to %u), %u frames a receive, offloads:%s%s%s (up to %u bytes)\n",
		    inst->name, dev->dev_addr, dev->mtu, dev->max_mtu, kn->rx_slots,
		    dev->features & NETIF_F_CSUM_MASK ? " checksum" : "",
		    dev->features & NETIF_F_TSO ? " tcp4" : "", dev->features & NETIF_F_TSO6 ? " tcp6" : "",
		    kn->info.offloads.max_segmented);
	return 0;
fail:
	drv_knet_free(kn);
	return st;
}

/* At removal, while the driver still answers: no more calls, and no more
 * link events (delivered under the instance lock, so none runs once the
 * subscription is gone). */
void drv_knet_detach(struct drv_object *obj)
{
	struct drv_knet *kn = obj->adapter;

	if (!kn)
		return;
	net_nic_on_link_changed(kn->control, NULL, NULL);
	unregister_netdev(kn->netdev); /* stops it */
}

/* Once every call is answered and the driver stopped. */
void drv_knet_release(struct drv_object *obj)
{
	struct drv_knet *kn = obj->adapter;

	if (!kn)
		return;
	del_timer_sync(&kn->rx_retry);
	cancel_work_sync(&kn->rx_mode_work);
	netif_napi_del(&kn->napi);
	drv_knet_free(kn);
	obj->adapter = NULL;
}
