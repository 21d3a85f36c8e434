/** 工作计划: the plan this office runs, as its tasks, units and indicators, with its revision. */
import { useEffect, useState } from 'react';
import { Card, Spin, Typography } from 'antd';
import type { PlanDef } from '../../shared/domain';
import { call } from '../api';
import { useErrorReporter } from '../components/common';
import { PlanPreview } from '../components/PlanPreview';
import { useApp } from '../store';

const { Text } = Typography;

export function PlanPage() {
  const version = useApp((s) => s.version);
  const [plan, setPlan] = useState<PlanDef | null>(null);
  const report = useErrorReporter();

  useEffect(() => {
    call('plan:def', {}).then(setPlan, (err: unknown) => report(err, '无法读取工作计划'));
    // The plan reloads when data changes (version); report is a new function each render.
  }, [version]);

  if (!plan) return <Spin />;
  return (
    <Card title={<>{plan.title} <Text type="secondary">第 {plan.revision} 版</Text></>} data-testid="plan-page">
      <PlanPreview parsed={{ plan, review: [], errors: [] }} />
    </Card>
  );
}
