-- A person gets one trial, whichever tenant they start it in.
create table user_trials (
    user_id    blob primary key,
    started_at text not null
);
insert into user_trials (user_id, started_at)
select actor_user_id, min(created_at) from audit_events
where action = 'subscription.trial_started' and actor_user_id is not null
group by actor_user_id;
