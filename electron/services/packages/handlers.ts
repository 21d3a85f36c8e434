/** Writing signed packages to a folder a person chooses (a USB drive). */
import type { ExportResult } from '../../../shared/api';
import { type DomainHandlers, type HandlerDeps } from '../host';
import { exportAllAssignments, exportAssignment, exportFeedback, exportReport, type ExportedPackage } from './packages';

function exported(p: ExportedPackage): ExportResult {
  return { fileName: p.fileName, folder: p.folder, revision: p.revision, packageId: p.packageId };
}

export function packageHandlers(deps: HandlerDeps) {
  const { session, dialogs } = deps;
  return {
    'packages:exportReport': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: '选择保存填报包的文件夹(如U盘)' });
      return folder ? exported(await exportReport(ctx, { period: req.period, outDir: folder })) : null;
    },
    'packages:exportAssignment': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: `选择保存${req.unit}任务包的文件夹(如U盘)` });
      return folder ? exported(await exportAssignment(ctx, { unit: req.unit, outDir: folder })) : null;
    },
    'packages:exportAssignments': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: `选择保存 ${req.units.length} 个单位任务包的文件夹(如U盘)` });
      if (!folder) return null;
      const written = [];
      for (const unit of req.units) written.push({ unit, ...exported(await exportAssignment(ctx, { unit, outDir: folder })) });
      return { folder, written };
    },
    'packages:exportAllAssignments': async () => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: '选择保存全部任务包的文件夹(如U盘)' });
      if (!folder) return null;
      return { folder, written: (await exportAllAssignments(ctx, { outDir: folder })).map((p) => ({ unit: p.unit, ...exported(p) })) };
    },
    'packages:exportFeedback': async (req) => {
      const ctx = await session.require();
      const folder = await dialogs.chooseFolder({ title: `选择保存${req.unit}反馈包的文件夹(如U盘)` });
      return folder ? exported(await exportFeedback(ctx, { unit: req.unit, outDir: folder })) : null;
    },
  } satisfies DomainHandlers<'packages:exportReport' | 'packages:exportAssignment' | 'packages:exportFeedback' | 'packages:exportAssignments' | 'packages:exportAllAssignments'>;
}
