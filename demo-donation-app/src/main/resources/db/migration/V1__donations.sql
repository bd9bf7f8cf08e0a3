-- Donations, one row per accepted submission. The unique idempotency key per donor is the last
-- guard against recording a submission twice; the donor's session serializes submissions before it.
create table donation (
	id varchar(36) primary key,
	donor_id varchar(64) not null,
	idempotency_key varchar(128) not null,
	amount numeric(19, 2) not null,
	currency varchar(3) not null,
	status varchar(16) not null,
	payment_reference varchar(64),
	created_at timestamp with time zone not null,
	confirmed_at timestamp with time zone,
	constraint donation_idempotency_key unique (donor_id, idempotency_key)
);

create index donation_donor on donation (donor_id, created_at);

create index donation_status on donation (status, created_at);
