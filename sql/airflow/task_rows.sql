-- Every task instance of a DAG with the XCom it returned.
SELECT
    ti.dag_id,
    ti.run_id,
    ti.task_id,
    ti.map_index,
    ti.rendered_map_index,
    ti.state,
    ti.duration,
    ti.try_number,
    x.value
FROM task_instance AS ti
LEFT JOIN xcom AS x
    ON
        x.dag_id = ti.dag_id
        AND x.run_id = ti.run_id
        AND x.task_id = ti.task_id
        AND x.map_index = ti.map_index
        AND x.key = 'return_value'
WHERE ti.dag_id = ?
ORDER BY ti.run_id, ti.task_id, ti.map_index
