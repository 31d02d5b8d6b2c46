-- A database made by Lumiku at commit 7d7a723 (before lumiku-store): one user, one project with a task,
-- kernel migrations in _sqlx_migrations and the app's in app_migrations. pg_dump --inserts --no-owner,
-- without its psql-only \\restrict lines. The migration tests load it and migrate it forward.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: lumiku_bump_gate_epoch(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lumiku_bump_gate_epoch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
    return null;
end
$$;


--
-- Name: lumiku_current_tenant(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lumiku_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$
    select nullif(current_setting('lumiku.tenant_id', true), '')::uuid
$$;


--
-- Name: lumiku_reject_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lumiku_reject_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    raise exception '% is append-only', tg_table_name;
end
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: _sqlx_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public._sqlx_migrations (
    version bigint NOT NULL,
    description text NOT NULL,
    installed_on timestamp with time zone DEFAULT now() NOT NULL,
    success boolean NOT NULL,
    checksum bytea NOT NULL,
    execution_time bigint NOT NULL
);


--
-- Name: app_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.app_migrations (
    app_id text NOT NULL,
    version bigint NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone NOT NULL
);


--
-- Name: app_usage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.app_usage (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    app_id text NOT NULL,
    action text NOT NULL,
    credits bigint NOT NULL,
    user_id uuid,
    metadata jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT app_usage_credits_check CHECK ((credits >= 0))
);


--
-- Name: app_user_usage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.app_user_usage (
    tenant_id uuid NOT NULL,
    app_id text NOT NULL,
    user_id uuid NOT NULL,
    actions bigint NOT NULL,
    credits bigint NOT NULL,
    first_used_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone NOT NULL,
    CONSTRAINT app_user_usage_actions_check CHECK ((actions >= 0)),
    CONSTRAINT app_user_usage_credits_check CHECK ((credits >= 0))
);


--
-- Name: apps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.apps (
    app_id text NOT NULL,
    name text NOT NULL,
    version text NOT NULL,
    enabled boolean NOT NULL,
    beta boolean NOT NULL,
    coming_soon boolean NOT NULL,
    dashboard_order integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: audit_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_events (
    id uuid NOT NULL,
    tenant_id uuid,
    actor_user_id uuid,
    action text NOT NULL,
    target_type text,
    target_id text,
    ip_address text,
    details jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: auth_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.auth_failures (
    id uuid NOT NULL,
    key text NOT NULL,
    failed_at timestamp with time zone NOT NULL
);


--
-- Name: credit_packages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.credit_packages (
    id text NOT NULL,
    name text NOT NULL,
    credits bigint NOT NULL,
    bonus_credits bigint NOT NULL,
    price_idr bigint NOT NULL,
    active boolean NOT NULL,
    sort_order integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT credit_packages_bonus_credits_check CHECK ((bonus_credits >= 0)),
    CONSTRAINT credit_packages_credits_check CHECK ((credits > 0)),
    CONSTRAINT credit_packages_price_idr_check CHECK ((price_idr > 0))
);


--
-- Name: devices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.devices (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    device_hash text NOT NULL,
    name text NOT NULL,
    user_agent text NOT NULL,
    client_device_id text,
    ip_address text,
    last_used_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: gate_epoch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.gate_epoch (
    id integer NOT NULL,
    epoch bigint NOT NULL,
    CONSTRAINT gate_epoch_id_check CHECK ((id = 1))
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    tenant_id uuid NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    response_status integer,
    response_body jsonb,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: invoice_counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_counters (
    tenant_id uuid NOT NULL,
    last_number bigint NOT NULL
);


--
-- Name: invoice_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoice_items (
    id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    "position" integer NOT NULL,
    description text NOT NULL,
    quantity bigint NOT NULL,
    unit_price_idr bigint NOT NULL,
    amount_idr bigint NOT NULL,
    CONSTRAINT invoice_items_amount_idr_check CHECK ((amount_idr >= 0)),
    CONSTRAINT invoice_items_quantity_check CHECK ((quantity > 0)),
    CONSTRAINT invoice_items_unit_price_idr_check CHECK ((unit_price_idr >= 0))
);


--
-- Name: invoices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invoices (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    number bigint,
    status text NOT NULL,
    kind text NOT NULL,
    plan_id text,
    package_id text,
    period_start timestamp with time zone,
    period_end timestamp with time zone,
    currency text NOT NULL,
    total_idr bigint NOT NULL,
    credits bigint NOT NULL,
    bonus_credits bigint NOT NULL,
    description text NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    issued_at timestamp with time zone,
    due_at timestamp with time zone,
    paid_at timestamp with time zone,
    voided_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT invoices_bonus_credits_check CHECK ((bonus_credits >= 0)),
    CONSTRAINT invoices_check CHECK (((status = 'draft'::text) = (number IS NULL))),
    CONSTRAINT invoices_credits_check CHECK ((credits >= 0)),
    CONSTRAINT invoices_kind_check CHECK ((kind = ANY (ARRAY['subscription'::text, 'credits'::text, 'manual'::text]))),
    CONSTRAINT invoices_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'open'::text, 'paid'::text, 'void'::text]))),
    CONSTRAINT invoices_total_idr_check CHECK ((total_idr >= 0))
);


--
-- Name: ledger_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_entries (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    amount_credits bigint NOT NULL,
    balance_after_credits bigint NOT NULL,
    kind text NOT NULL,
    description text NOT NULL,
    reference_type text,
    reference_id text,
    actor_user_id uuid,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT ledger_entries_amount_credits_check CHECK ((amount_credits <> 0)),
    CONSTRAINT ledger_entries_balance_after_credits_check CHECK ((balance_after_credits >= 0)),
    CONSTRAINT ledger_entries_kind_check CHECK ((kind = ANY (ARRAY['purchase'::text, 'bonus'::text, 'usage'::text, 'refund'::text, 'grant'::text, 'adjustment'::text])))
);


--
-- Name: payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments (
    id uuid NOT NULL,
    reference text NOT NULL,
    tenant_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    gateway text NOT NULL,
    amount_idr bigint NOT NULL,
    status text NOT NULL,
    payment_method text,
    gateway_reference text,
    payment_url text,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    paid_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL,
    callback_data jsonb,
    CONSTRAINT payments_amount_idr_check CHECK ((amount_idr > 0)),
    CONSTRAINT payments_gateway_check CHECK ((gateway = ANY (ARRAY['sandbox'::text, 'duitku'::text]))),
    CONSTRAINT payments_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'success'::text, 'failed'::text, 'expired'::text])))
);


--
-- Name: plans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plans (
    id text NOT NULL,
    name text NOT NULL,
    tier text NOT NULL,
    price_idr bigint NOT NULL,
    monthly_credits bigint NOT NULL,
    trial_days integer NOT NULL,
    features jsonb NOT NULL,
    active boolean NOT NULL,
    sort_order integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT plans_monthly_credits_check CHECK ((monthly_credits >= 0)),
    CONSTRAINT plans_price_idr_check CHECK ((price_idr >= 0)),
    CONSTRAINT plans_tier_check CHECK ((tier = ANY (ARRAY['free'::text, 'basic'::text, 'pro'::text, 'enterprise'::text]))),
    CONSTRAINT plans_trial_days_check CHECK ((trial_days >= 0))
);


--
-- Name: project_manager_projects; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.project_manager_projects (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    name text NOT NULL,
    description text,
    status text NOT NULL,
    due_date timestamp with time zone,
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT project_manager_projects_status_check CHECK ((status = ANY (ARRAY['active'::text, 'completed'::text, 'archived'::text])))
);


--
-- Name: project_manager_tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.project_manager_tasks (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    project_id uuid NOT NULL,
    title text NOT NULL,
    priority text NOT NULL,
    completed boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT project_manager_tasks_priority_check CHECK ((priority = ANY (ARRAY['low'::text, 'medium'::text, 'high'::text])))
);


--
-- Name: refresh_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.refresh_tokens (
    token_hash text NOT NULL,
    session_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone
);


--
-- Name: sandbox_transactions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sandbox_transactions (
    reference text NOT NULL,
    amount_idr bigint NOT NULL,
    result_code text,
    created_at timestamp with time zone NOT NULL,
    decided_at timestamp with time zone
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    device_id uuid,
    created_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    cookie_hash text
);


--
-- Name: subscription_grants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscription_grants (
    tenant_id uuid NOT NULL,
    period_start timestamp with time zone NOT NULL,
    plan_id text NOT NULL,
    credits bigint NOT NULL,
    ledger_entry_id uuid,
    granted_at timestamp with time zone NOT NULL
);


--
-- Name: subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscriptions (
    tenant_id uuid NOT NULL,
    plan_id text NOT NULL,
    status text NOT NULL,
    current_period_start timestamp with time zone NOT NULL,
    current_period_end timestamp with time zone NOT NULL,
    cancel_at_period_end boolean NOT NULL,
    trial_used boolean NOT NULL,
    canceled_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT subscriptions_status_check CHECK ((status = ANY (ARRAY['trialing'::text, 'active'::text, 'past_due'::text, 'canceled'::text])))
);


--
-- Name: tenant_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenant_members (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT tenant_members_role_check CHECK ((role = ANY (ARRAY['owner'::text, 'admin'::text, 'member'::text, 'viewer'::text])))
);


--
-- Name: tenants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenants (
    id uuid NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT tenants_kind_check CHECK ((kind = ANY (ARRAY['personal'::text, 'team'::text])))
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id uuid NOT NULL,
    email text NOT NULL,
    name text,
    password_hash text NOT NULL,
    platform_role text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT users_platform_role_check CHECK ((platform_role = ANY (ARRAY['user'::text, 'admin'::text])))
);


--
-- Name: wallets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.wallets (
    tenant_id uuid NOT NULL,
    balance_credits bigint NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT wallets_balance_credits_check CHECK ((balance_credits >= 0))
);


--
-- Data for Name: _sqlx_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public._sqlx_migrations VALUES (1, 'core', '2026-12-02 05:57:35.715519+00', true, '\x05c89176e1222a35f00afbbad35084827c91edb2ac83ea6a2e810172876b87b570d88c51f36a38ba81b01cca07ddbe46', 24150103);
INSERT INTO public._sqlx_migrations VALUES (2, 'credits apps', '2026-12-02 05:57:35.740723+00', true, '\xf81e40a75d6ff2cdf9b1b7aac197c59a223249ba7db62381d00de94b341e6f81932862da7e0ba52a1c03c5e2c9407e44', 17623109);
INSERT INTO public._sqlx_migrations VALUES (3, 'billing', '2026-12-02 05:57:35.759263+00', true, '\xaccdeb37efbd42bb786307fda7efe3a0b4106b40eb81dac718fc17513e4c0a8f489f5c82ff818423e4dfd2a26f5f5710', 30062534);
INSERT INTO public._sqlx_migrations VALUES (4, 'browser sessions', '2026-12-02 05:57:35.790029+00', true, '\x1bc080f2f7ef81cae880171411dc29d1d4ce5af7e21791bbb7cc6c1179f586726e8781d2c0630e3cc3233bef22e0322b', 2021812);
INSERT INTO public._sqlx_migrations VALUES (5, 'derived app counters', '2026-12-02 05:57:35.792599+00', true, '\x7173b9390fa679f3f6f1e02ed105b920c4ed031d014c9a67f8d8138495fb35982938cc436adfde38d2e787d85966f1c4', 3398350);
INSERT INTO public._sqlx_migrations VALUES (6, 'gate epoch', '2026-12-02 05:57:35.79649+00', true, '\xfe4eb57ad7ea6d9edc93c2969fc847ad5fb16166bcd4c87a435e5185368b7fd7c25166a924835166ef3535140f126e24', 3189060);
INSERT INTO public._sqlx_migrations VALUES (7, 'ledger kind check', '2026-12-02 05:57:35.800225+00', true, '\xe70528e9a336bd262ea8d487a21b9e825d215c6f3457fd0c2ae84c53c594e0d8e20605b01c14a9b4699aaa9391a960c3', 1314135);
INSERT INTO public._sqlx_migrations VALUES (8, 'app user usage', '2026-12-02 05:57:35.801995+00', true, '\x796edd4bfe7eafc25700f9bd212baeeb467d674786e84de11c45be27b5a162ca41df65aae0c5e11aaca20c67222b382c', 6480431);


--
-- Data for Name: app_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.app_migrations VALUES ('project-manager', 1, 'projects and tasks', 'b50b29847dd100c8e90a3629c321cd3deefa59f2e5643683cf589b99e4e89cf9', '2026-12-02 05:57:35.909387+00');
INSERT INTO public.app_migrations VALUES ('project-manager', 2, 'checks without IN lists', '0b2e0622159dde4fb39fce460d1c250e3346cca97d853af44bd6806ae6d2400a', '2026-12-02 05:57:35.912885+00');
INSERT INTO public.app_migrations VALUES ('project-manager', 3, 'pages by id', 'b3620ddf2c14d7a519968a4349517b24d8394e1e9f6760e988df365d9fe3f1db', '2026-12-02 05:57:35.916511+00');


--
-- Data for Name: app_usage; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.app_usage VALUES ('01a23554-7f9a-710c-beb6-5c830a12068a', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', 'project-manager', 'createProject', 5, '01a23554-7e9f-759e-bbbe-7beb78266b52', '{"projectId": "01a23554-7f99-72bc-a608-bcbf21cc537d"}', '2026-12-02 05:57:39.8666+00');
INSERT INTO public.app_usage VALUES ('01a23554-803b-7337-9ae1-a27a612a135e', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', 'project-manager', 'addTask', 1, '01a23554-7e9f-759e-bbbe-7beb78266b52', '{"taskId": "01a23554-8039-7379-9d1b-306626b258a2", "projectId": "01a23554-7f99-72bc-a608-bcbf21cc537d"}', '2026-12-02 05:57:40.027131+00');


--
-- Data for Name: app_user_usage; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.app_user_usage VALUES ('01a23554-7ea0-7367-af20-c5e8ff53a7a3', 'project-manager', '01a23554-7e9f-759e-bbbe-7beb78266b52', 2, 6, '2026-12-02 05:57:39.8666+00', '2026-12-02 05:57:40.027131+00');


--
-- Data for Name: apps; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.apps VALUES ('project-manager', 'Project Manager', '1.0.0', true, false, false, 1, '2026-12-02 05:57:35.917658+00', '2026-12-02 05:57:35.917658+00');


--
-- Data for Name: audit_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_events VALUES ('01a23554-7eaa-72f9-9401-ba8a5ba35d9a', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', '01a23554-7e9f-759e-bbbe-7beb78266b52', 'auth.register', 'user', '01a23554-7e9f-759e-bbbe-7beb78266b52', '127.0.0.1', '{"email": "legacy@example.com", "platformRole": "user"}', '2026-12-02 05:57:39.62637+00');
INSERT INTO public.audit_events VALUES ('01a23554-7ed2-722e-89eb-95f24bb61838', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', '01a23554-7e9f-759e-bbbe-7beb78266b52', 'auth.login', 'session', '01a23554-7ece-72fb-8116-f0459c556dae', '127.0.0.1', '{}', '2026-12-02 05:57:39.666038+00');


--
-- Data for Name: auth_failures; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: credit_packages; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_packages VALUES ('starter', 'Starter', 100, 0, 15000, true, 1, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');
INSERT INTO public.credit_packages VALUES ('popular', 'Popular', 500, 50, 65000, true, 2, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');
INSERT INTO public.credit_packages VALUES ('business', 'Business', 1000, 150, 120000, true, 3, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');
INSERT INTO public.credit_packages VALUES ('bulk', 'Bulk', 5000, 1000, 500000, true, 4, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');


--
-- Data for Name: devices; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.devices VALUES ('01a23554-7eab-7514-b8ec-a93b0a32443a', '01a23554-7e9f-759e-bbbe-7beb78266b52', '6142ce397cf2f25315c3ac63972a736e24e8c280a0c65edafa9d2c9836b6879b', 'curl', 'curl/7.88.1', NULL, '127.0.0.1', '2026-12-02 05:57:39.649518+00', '2026-12-02 05:57:39.62777+00');


--
-- Data for Name: gate_epoch; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.gate_epoch VALUES (1, 0);


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.idempotency_keys VALUES ('01a23554-7ea0-7367-af20-c5e8ff53a7a3', 'legacy-1', '12340e75bb29af58f1cb85a009802444bd00c70dd629233d6ff4bf31afb2d18f', 201, '{"project": {"id": "01a23554-7f99-72bc-a608-bcbf21cc537d", "name": "Made before the store crate", "tasks": [], "status": "active", "dueDate": null, "createdAt": "2026-12-02T05:57:39.865139Z", "createdBy": "01a23554-7e9f-759e-bbbe-7beb78266b52", "updatedAt": "2026-12-02T05:57:39.865139Z", "description": null}, "creditUsed": 5, "creditBalance": 95}', '2026-12-02 05:57:39.862839+00');


--
-- Data for Name: invoice_counters; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: invoice_items; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: invoices; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ledger_entries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ledger_entries VALUES ('01a23554-7ea8-710b-87e8-ac3bcba9e058', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', 100, 100, 'bonus', 'Welcome bonus', NULL, NULL, '01a23554-7e9f-759e-bbbe-7beb78266b52', '2026-12-02 05:57:39.623496+00');
INSERT INTO public.ledger_entries VALUES ('01a23554-7f9a-710c-beb6-5c84ce2504fc', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', -5, 95, 'usage', 'project-manager: createProject', 'app_usage', '01a23554-7f9a-710c-beb6-5c830a12068a', '01a23554-7e9f-759e-bbbe-7beb78266b52', '2026-12-02 05:57:39.8666+00');
INSERT INTO public.ledger_entries VALUES ('01a23554-803b-7337-9ae1-a27be4a3be75', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', -1, 94, 'usage', 'project-manager: addTask', 'app_usage', '01a23554-803b-7337-9ae1-a27a612a135e', '01a23554-7e9f-759e-bbbe-7beb78266b52', '2026-12-02 05:57:40.027131+00');


--
-- Data for Name: payments; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: plans; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.plans VALUES ('free', 'Free', 'free', 0, 0, 0, '["Every free app", "Welcome bonus credits", "Community support"]', true, 1, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');
INSERT INTO public.plans VALUES ('basic', 'Basic', 'basic', 49000, 500, 0, '["500 credits every month", "Basic-tier apps", "Email support"]', true, 2, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');
INSERT INTO public.plans VALUES ('pro', 'Pro', 'pro', 149000, 2000, 14, '["2,000 credits every month", "Pro-tier apps", "14-day free trial", "Priority support"]', true, 3, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');
INSERT INTO public.plans VALUES ('enterprise', 'Enterprise', 'enterprise', 499000, 10000, 0, '["10,000 credits every month", "Every app", "Dedicated support"]', true, 4, '2026-12-02 05:57:35.759263+00', '2026-12-02 05:57:35.759263+00');


--
-- Data for Name: project_manager_projects; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.project_manager_projects VALUES ('01a23554-7f99-72bc-a608-bcbf21cc537d', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', 'Made before the store crate', NULL, 'active', NULL, '01a23554-7e9f-759e-bbbe-7beb78266b52', '2026-12-02 05:57:39.865139+00', '2026-12-02 05:57:39.865139+00');


--
-- Data for Name: project_manager_tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.project_manager_tasks VALUES ('01a23554-8039-7379-9d1b-306626b258a2', '01a23554-7ea0-7367-af20-c5e8ff53a7a3', '01a23554-7f99-72bc-a608-bcbf21cc537d', 'Still here after the upgrade', 'medium', false, '2026-12-02 05:57:40.025892+00', '2026-12-02 05:57:40.025892+00');


--
-- Data for Name: refresh_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.refresh_tokens VALUES ('ce5f829fd7de42f3b1b64195b613c757c63824207ba42100b1347f7227dfb450', '01a23554-7ead-72b5-bca0-50f84667aec5', '2026-12-02 05:57:39.62777+00', '2027-01-01 05:57:39.62777+00', NULL);
INSERT INTO public.refresh_tokens VALUES ('c983864c8ac050ae8d6e9cdc2ab4d89dbf60338c4a624f1120a43367451ca6bf', '01a23554-7ece-72fb-8116-f0459c556dae', '2026-12-02 05:57:39.649518+00', '2027-01-01 05:57:39.649518+00', NULL);


--
-- Data for Name: sandbox_transactions; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sessions VALUES ('01a23554-7ead-72b5-bca0-50f84667aec5', '01a23554-7e9f-759e-bbbe-7beb78266b52', '01a23554-7eab-7514-b8ec-a93b0a32443a', '2026-12-02 05:57:39.62777+00', '2026-12-02 05:57:39.62777+00', '2027-01-01 05:57:39.62777+00', NULL, NULL, NULL);
INSERT INTO public.sessions VALUES ('01a23554-7ece-72fb-8116-f0459c556dae', '01a23554-7e9f-759e-bbbe-7beb78266b52', '01a23554-7eab-7514-b8ec-a93b0a32443a', '2026-12-02 05:57:39.649518+00', '2026-12-02 05:57:39.649518+00', '2027-01-01 05:57:39.649518+00', NULL, NULL, NULL);


--
-- Data for Name: subscription_grants; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: subscriptions; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: tenant_members; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tenant_members VALUES ('01a23554-7ea0-7367-af20-c5e8ff53a7a3', '01a23554-7e9f-759e-bbbe-7beb78266b52', 'owner', '2026-12-02 05:57:39.615073+00', '2026-12-02 05:57:39.615073+00');


--
-- Data for Name: tenants; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tenants VALUES ('01a23554-7ea0-7367-af20-c5e8ff53a7a3', 'Legacy''s workspace', 'personal', '01a23554-7e9f-759e-bbbe-7beb78266b52', '2026-12-02 05:57:39.615073+00', '2026-12-02 05:57:39.615073+00');


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users VALUES ('01a23554-7e9f-759e-bbbe-7beb78266b52', 'legacy@example.com', 'Legacy', '$argon2id$v=19$m=1024,t=1,p=1$s1tygD//VunnffojAPrhIQ$ImAr/m0xSk7V1hLHoYZLCFcR4WnLGWLgTX2ncGJOM/Q', 'user', '2026-12-02 05:57:39.615073+00', '2026-12-02 05:57:39.615073+00');


--
-- Data for Name: wallets; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.wallets VALUES ('01a23554-7ea0-7367-af20-c5e8ff53a7a3', 94, '2026-12-02 05:57:40.024188+00');


--
-- Name: _sqlx_migrations _sqlx_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public._sqlx_migrations
    ADD CONSTRAINT _sqlx_migrations_pkey PRIMARY KEY (version);


--
-- Name: app_migrations app_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_migrations
    ADD CONSTRAINT app_migrations_pkey PRIMARY KEY (app_id, version);


--
-- Name: app_usage app_usage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_usage
    ADD CONSTRAINT app_usage_pkey PRIMARY KEY (id);


--
-- Name: app_user_usage app_user_usage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user_usage
    ADD CONSTRAINT app_user_usage_pkey PRIMARY KEY (tenant_id, app_id, user_id);


--
-- Name: apps apps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.apps
    ADD CONSTRAINT apps_pkey PRIMARY KEY (app_id);


--
-- Name: audit_events audit_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id);


--
-- Name: auth_failures auth_failures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_failures
    ADD CONSTRAINT auth_failures_pkey PRIMARY KEY (id);


--
-- Name: credit_packages credit_packages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_packages
    ADD CONSTRAINT credit_packages_pkey PRIMARY KEY (id);


--
-- Name: devices devices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_pkey PRIMARY KEY (id);


--
-- Name: devices devices_user_id_device_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_user_id_device_hash_key UNIQUE (user_id, device_hash);


--
-- Name: gate_epoch gate_epoch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_epoch
    ADD CONSTRAINT gate_epoch_pkey PRIMARY KEY (id);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (tenant_id, key);


--
-- Name: invoice_counters invoice_counters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_counters
    ADD CONSTRAINT invoice_counters_pkey PRIMARY KEY (tenant_id);


--
-- Name: invoice_items invoice_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_items
    ADD CONSTRAINT invoice_items_pkey PRIMARY KEY (id);


--
-- Name: invoices invoices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);


--
-- Name: invoices invoices_tenant_id_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_tenant_id_number_key UNIQUE (tenant_id, number);


--
-- Name: ledger_entries ledger_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (id);


--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);


--
-- Name: payments payments_reference_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_reference_key UNIQUE (reference);


--
-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (id);


--
-- Name: project_manager_projects project_manager_projects_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project_manager_projects
    ADD CONSTRAINT project_manager_projects_pkey PRIMARY KEY (id);


--
-- Name: project_manager_tasks project_manager_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project_manager_tasks
    ADD CONSTRAINT project_manager_tasks_pkey PRIMARY KEY (id);


--
-- Name: refresh_tokens refresh_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash);


--
-- Name: sandbox_transactions sandbox_transactions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sandbox_transactions
    ADD CONSTRAINT sandbox_transactions_pkey PRIMARY KEY (reference);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: subscription_grants subscription_grants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_grants
    ADD CONSTRAINT subscription_grants_pkey PRIMARY KEY (tenant_id, period_start);


--
-- Name: subscriptions subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_pkey PRIMARY KEY (tenant_id);


--
-- Name: tenant_members tenant_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_members
    ADD CONSTRAINT tenant_members_pkey PRIMARY KEY (tenant_id, user_id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: users users_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: wallets wallets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.wallets
    ADD CONSTRAINT wallets_pkey PRIMARY KEY (tenant_id);


--
-- Name: app_usage_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX app_usage_tenant_idx ON public.app_usage USING btree (tenant_id, created_at);


--
-- Name: app_user_usage_app_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX app_user_usage_app_idx ON public.app_user_usage USING btree (app_id, user_id);


--
-- Name: audit_events_tenant_action_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_events_tenant_action_idx ON public.audit_events USING btree (tenant_id, action, id);


--
-- Name: audit_events_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_events_tenant_idx ON public.audit_events USING btree (tenant_id, id);


--
-- Name: auth_failures_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX auth_failures_key_idx ON public.auth_failures USING btree (key, failed_at);


--
-- Name: invoice_items_invoice_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_items_invoice_idx ON public.invoice_items USING btree (invoice_id, "position");


--
-- Name: invoices_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoices_tenant_idx ON public.invoices USING btree (tenant_id, id);


--
-- Name: ledger_entries_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_entries_tenant_idx ON public.ledger_entries USING btree (tenant_id, id);


--
-- Name: payments_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_pending_idx ON public.payments USING btree (expires_at) WHERE (status = 'pending'::text);


--
-- Name: payments_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_tenant_idx ON public.payments USING btree (tenant_id, id);


--
-- Name: project_manager_projects_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX project_manager_projects_tenant_idx ON public.project_manager_projects USING btree (tenant_id, id);


--
-- Name: project_manager_tasks_project_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX project_manager_tasks_project_idx ON public.project_manager_tasks USING btree (project_id);


--
-- Name: project_manager_tasks_tenant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX project_manager_tasks_tenant_idx ON public.project_manager_tasks USING btree (tenant_id, project_id, id);


--
-- Name: refresh_tokens_session_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX refresh_tokens_session_idx ON public.refresh_tokens USING btree (session_id);


--
-- Name: sessions_cookie_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX sessions_cookie_idx ON public.sessions USING btree (cookie_hash);


--
-- Name: sessions_device_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_device_idx ON public.sessions USING btree (device_id);


--
-- Name: sessions_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_user_idx ON public.sessions USING btree (user_id);


--
-- Name: subscriptions_period_end_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscriptions_period_end_idx ON public.subscriptions USING btree (current_period_end) WHERE (status <> 'canceled'::text);


--
-- Name: tenant_members_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tenant_members_user_idx ON public.tenant_members USING btree (user_id);


--
-- Name: tenants_personal_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tenants_personal_idx ON public.tenants USING btree (created_by) WHERE (kind = 'personal'::text);


--
-- Name: apps apps_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER apps_gate_delete AFTER DELETE ON public.apps FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: apps apps_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER apps_gate_update AFTER UPDATE ON public.apps FOR EACH ROW WHEN (((new.enabled IS DISTINCT FROM old.enabled) OR (new.coming_soon IS DISTINCT FROM old.coming_soon))) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: audit_events audit_events_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_events_append_only BEFORE DELETE OR UPDATE ON public.audit_events FOR EACH ROW EXECUTE FUNCTION public.lumiku_reject_change();


--
-- Name: ledger_entries ledger_entries_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_append_only BEFORE DELETE OR UPDATE ON public.ledger_entries FOR EACH ROW EXECUTE FUNCTION public.lumiku_reject_change();


--
-- Name: plans plans_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER plans_gate_delete AFTER DELETE ON public.plans FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: plans plans_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER plans_gate_update AFTER UPDATE ON public.plans FOR EACH ROW WHEN ((new.tier IS DISTINCT FROM old.tier)) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: sessions sessions_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sessions_gate_delete AFTER DELETE ON public.sessions FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: sessions sessions_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sessions_gate_update AFTER UPDATE ON public.sessions FOR EACH ROW WHEN ((((new.revoked_at IS NOT NULL) AND (old.revoked_at IS NULL)) OR (new.expires_at < old.expires_at) OR (new.user_id IS DISTINCT FROM old.user_id) OR ((old.cookie_hash IS NOT NULL) AND (new.cookie_hash IS DISTINCT FROM old.cookie_hash)))) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: subscriptions subscriptions_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER subscriptions_gate_delete AFTER DELETE ON public.subscriptions FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: subscriptions subscriptions_gate_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER subscriptions_gate_insert AFTER INSERT ON public.subscriptions FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: subscriptions subscriptions_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER subscriptions_gate_update AFTER UPDATE ON public.subscriptions FOR EACH ROW WHEN (((new.plan_id IS DISTINCT FROM old.plan_id) OR (new.status IS DISTINCT FROM old.status) OR (new.tenant_id IS DISTINCT FROM old.tenant_id))) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: tenant_members tenant_members_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenant_members_gate_delete AFTER DELETE ON public.tenant_members FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: tenant_members tenant_members_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenant_members_gate_update AFTER UPDATE ON public.tenant_members FOR EACH ROW WHEN (((new.role IS DISTINCT FROM old.role) OR (new.tenant_id IS DISTINCT FROM old.tenant_id) OR (new.user_id IS DISTINCT FROM old.user_id))) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: tenants tenants_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_gate_delete AFTER DELETE ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: tenants tenants_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_gate_update AFTER UPDATE ON public.tenants FOR EACH ROW WHEN (((new.kind IS DISTINCT FROM old.kind) OR (new.created_by IS DISTINCT FROM old.created_by))) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: users users_gate_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_gate_delete AFTER DELETE ON public.users FOR EACH ROW EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: users users_gate_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_gate_update AFTER UPDATE OF platform_role ON public.users FOR EACH ROW WHEN ((new.platform_role IS DISTINCT FROM old.platform_role)) EXECUTE FUNCTION public.lumiku_bump_gate_epoch();


--
-- Name: app_usage app_usage_app_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_usage
    ADD CONSTRAINT app_usage_app_id_fkey FOREIGN KEY (app_id) REFERENCES public.apps(app_id);


--
-- Name: app_usage app_usage_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_usage
    ADD CONSTRAINT app_usage_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: app_user_usage app_user_usage_app_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user_usage
    ADD CONSTRAINT app_user_usage_app_id_fkey FOREIGN KEY (app_id) REFERENCES public.apps(app_id);


--
-- Name: app_user_usage app_user_usage_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user_usage
    ADD CONSTRAINT app_user_usage_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: audit_events audit_events_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: devices devices_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: idempotency_keys idempotency_keys_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: invoice_counters invoice_counters_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_counters
    ADD CONSTRAINT invoice_counters_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: invoice_items invoice_items_invoice_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_items
    ADD CONSTRAINT invoice_items_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES public.invoices(id) ON DELETE CASCADE;


--
-- Name: invoice_items invoice_items_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoice_items
    ADD CONSTRAINT invoice_items_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: invoices invoices_package_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_package_id_fkey FOREIGN KEY (package_id) REFERENCES public.credit_packages(id);


--
-- Name: invoices invoices_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);


--
-- Name: invoices invoices_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invoices
    ADD CONSTRAINT invoices_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: ledger_entries ledger_entries_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: payments payments_invoice_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES public.invoices(id);


--
-- Name: payments payments_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: project_manager_tasks project_manager_tasks_project_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.project_manager_tasks
    ADD CONSTRAINT project_manager_tasks_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.project_manager_projects(id) ON DELETE CASCADE;


--
-- Name: refresh_tokens refresh_tokens_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.refresh_tokens
    ADD CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.sessions(id) ON DELETE CASCADE;


--
-- Name: sessions sessions_device_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_device_id_fkey FOREIGN KEY (device_id) REFERENCES public.devices(id) ON DELETE SET NULL;


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: subscription_grants subscription_grants_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_grants
    ADD CONSTRAINT subscription_grants_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);


--
-- Name: subscription_grants subscription_grants_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription_grants
    ADD CONSTRAINT subscription_grants_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: subscriptions subscriptions_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);


--
-- Name: subscriptions subscriptions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriptions
    ADD CONSTRAINT subscriptions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: tenant_members tenant_members_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_members
    ADD CONSTRAINT tenant_members_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: tenant_members tenant_members_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenant_members
    ADD CONSTRAINT tenant_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: tenants tenants_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);


--
-- Name: wallets wallets_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.wallets
    ADD CONSTRAINT wallets_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: app_usage; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.app_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: app_user_usage; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.app_user_usage ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.audit_events ENABLE ROW LEVEL SECURITY;

--
-- Name: idempotency_keys; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.idempotency_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: invoice_counters; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.invoice_counters ENABLE ROW LEVEL SECURITY;

--
-- Name: invoice_items; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.invoice_items ENABLE ROW LEVEL SECURITY;

--
-- Name: invoices; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_entries; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_entries ENABLE ROW LEVEL SECURITY;

--
-- Name: payments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.payments ENABLE ROW LEVEL SECURITY;

--
-- Name: project_manager_projects; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.project_manager_projects ENABLE ROW LEVEL SECURITY;

--
-- Name: project_manager_tasks; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.project_manager_tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: subscription_grants; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.subscription_grants ENABLE ROW LEVEL SECURITY;

--
-- Name: subscriptions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.subscriptions ENABLE ROW LEVEL SECURITY;

--
-- Name: app_usage tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.app_usage USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: app_user_usage tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.app_user_usage USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: audit_events tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.audit_events USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: idempotency_keys tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.idempotency_keys USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: invoice_counters tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.invoice_counters USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: invoice_items tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.invoice_items USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: invoices tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.invoices USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: ledger_entries tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.ledger_entries USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: payments tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.payments USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: project_manager_projects tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.project_manager_projects USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: project_manager_tasks tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.project_manager_tasks USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: subscription_grants tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.subscription_grants USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: subscriptions tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.subscriptions USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: tenant_members tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tenant_members USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: tenants tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tenants USING ((id = public.lumiku_current_tenant()));


--
-- Name: wallets tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.wallets USING ((tenant_id = public.lumiku_current_tenant()));


--
-- Name: tenant_members; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tenant_members ENABLE ROW LEVEL SECURITY;

--
-- Name: tenants; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;

--
-- Name: wallets; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.wallets ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO lumiku_app;


--
-- Name: TABLE _sqlx_migrations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public._sqlx_migrations TO lumiku_app;


--
-- Name: TABLE app_migrations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.app_migrations TO lumiku_app;


--
-- Name: TABLE app_usage; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.app_usage TO lumiku_app;


--
-- Name: TABLE app_user_usage; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.app_user_usage TO lumiku_app;


--
-- Name: TABLE apps; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.apps TO lumiku_app;


--
-- Name: TABLE audit_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.audit_events TO lumiku_app;


--
-- Name: TABLE auth_failures; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.auth_failures TO lumiku_app;


--
-- Name: TABLE credit_packages; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.credit_packages TO lumiku_app;


--
-- Name: TABLE devices; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.devices TO lumiku_app;


--
-- Name: TABLE gate_epoch; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.gate_epoch TO lumiku_app;


--
-- Name: TABLE idempotency_keys; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.idempotency_keys TO lumiku_app;


--
-- Name: TABLE invoice_counters; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.invoice_counters TO lumiku_app;


--
-- Name: TABLE invoice_items; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.invoice_items TO lumiku_app;


--
-- Name: TABLE invoices; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.invoices TO lumiku_app;


--
-- Name: TABLE ledger_entries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.ledger_entries TO lumiku_app;


--
-- Name: TABLE payments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.payments TO lumiku_app;


--
-- Name: TABLE plans; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.plans TO lumiku_app;


--
-- Name: TABLE project_manager_projects; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.project_manager_projects TO lumiku_app;


--
-- Name: TABLE project_manager_tasks; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.project_manager_tasks TO lumiku_app;


--
-- Name: TABLE refresh_tokens; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.refresh_tokens TO lumiku_app;


--
-- Name: TABLE sandbox_transactions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sandbox_transactions TO lumiku_app;


--
-- Name: TABLE sessions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sessions TO lumiku_app;


--
-- Name: TABLE subscription_grants; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.subscription_grants TO lumiku_app;


--
-- Name: TABLE subscriptions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.subscriptions TO lumiku_app;


--
-- Name: TABLE tenant_members; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tenant_members TO lumiku_app;


--
-- Name: TABLE tenants; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tenants TO lumiku_app;


--
-- Name: TABLE users; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.users TO lumiku_app;


--
-- Name: TABLE wallets; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.wallets TO lumiku_app;


--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT,USAGE ON SEQUENCES  TO lumiku_app;


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT,INSERT,DELETE,UPDATE ON TABLES  TO lumiku_app;


--
-- PostgreSQL database dump complete
--


